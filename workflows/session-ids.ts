// A session's workflow id is derived from its session id: the API starts the workflow under it, and
// activities whose input names no session (waitForCondition) find theirs from it.
const PREFIX = 'session-';

export const workflowIdOf = (sessionId: string): string => `${PREFIX}${sessionId}`;

/** The session id of a scenarioSession workflow id; undefined for any other workflow (the sweeper). */
export function sessionIdOfWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(PREFIX) ? workflowId.slice(PREFIX.length) : undefined;
}
