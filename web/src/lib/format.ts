// Small display helpers for durations and times. Pure functions, safe on server and client.

/** 75 → "1:15", 3725 → "1:02:05". Negative values get a leading minus sign. */
export function formatClock(totalSeconds: number): string {
  const seconds = Math.floor(Math.abs(totalSeconds));
  const sign = totalSeconds < 0 && seconds > 0 ? '−' : '';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${sign}${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** 75 → "1 min 15 s", 3600 → "1 h". For screen text and labels. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h && `${h} h`, m && `${m} min`, s && `${s} s`].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '0 s';
}

/** "just now", "42 s ago", "3 min ago", "2 h ago" relative to `now` (ms). */
export function formatRelative(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

/** Seconds from `startIso` to `iso`, or null if either is missing or unparsable. */
export function secondsBetween(startIso: string | undefined, iso: string): number | null {
  if (!startIso) return null;
  const start = Date.parse(startIso);
  const at = Date.parse(iso);
  if (Number.isNaN(start) || Number.isNaN(at)) return null;
  return (at - start) / 1000;
}

/** "+1:15" / "−0:30": a replay offset from the start of the session. */
export function formatOffset(seconds: number | null): string {
  if (seconds === null) return '';
  return seconds <= -1 ? formatClock(seconds) : `+${formatClock(Math.max(0, seconds))}`;
}

/** "restart_count" / "timeToRepair" → "Restart count" / "Time to repair". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Only http(s) links are rendered; anything else (javascript:, data:) is dropped. */
export function safeHttpUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The kubeconfig's download name, `failurelib-<id>.kubeconfig`, safe as a file name. */
export function kubeconfigFileName(sessionId: string): string {
  return `failurelib-${sessionId.replace(/[^A-Za-z0-9_-]/g, '_')}.kubeconfig`;
}

/** What a page calls a scenario: its title in Learn mode, its codename in Challenge mode (the API sends only that one). */
export function scenarioName(scenario: { title?: string; codename?: string }, fallback: string): string {
  return scenario.title ?? scenario.codename ?? fallback;
}
