// Custom search attributes that let operators find sessions in the Temporal UI
// (e.g. `FlPhase = "provisioning" AND StartTime < "…"`). Registered when the dev server starts.
export const SEARCH_ATTRIBUTES = {
  FlPhase: 'Keyword',
  FlScenario: 'Keyword',
  FlSystem: 'Keyword',
  FlMode: 'Keyword',
  FlParticipant: 'Keyword',
  FlEvent: 'Keyword',
} as const;
