// The report form's draft in the browser's localStorage: nothing typed is lost to a closed tab or a failed
// submission. The draft carries its own idempotency key, so submitting twice files one report.
export const REPORT_FIELDS = [
  'title',
  'whatFailed',
  'impact',
  'detection',
  'trigger',
  'timeline',
  'kubernetesVersion',
  'provider',
  'components',
] as const;
export type ReportField = (typeof REPORT_FIELDS)[number];
export type ReportDraft = Record<ReportField, string> & { key: string };

const STORAGE_KEY = 'failurelib.report-draft';

export function emptyDraft(): ReportDraft {
  const draft = Object.fromEntries(REPORT_FIELDS.map((field) => [field, ''])) as Record<ReportField, string>;
  return { ...draft, key: crypto.randomUUID() };
}

export function loadDraft(): ReportDraft {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<ReportDraft> | null;
    if (!stored || typeof stored.key !== 'string') return emptyDraft();
    const draft = emptyDraft();
    for (const field of REPORT_FIELDS) if (typeof stored[field] === 'string') draft[field] = stored[field];
    return { ...draft, key: stored.key };
  } catch {
    return emptyDraft();
  }
}

export function saveDraft(draft: ReportDraft): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(draft));
}

export function clearDraft(): void {
  localStorage.removeItem(STORAGE_KEY);
}
