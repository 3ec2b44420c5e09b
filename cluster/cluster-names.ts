// A cluster-per-session sandbox is named after its session: the whole session id (without dashes), so the
// sweeper can tell from a name alone which session a cluster belongs to (kind clusters carry no labels).
const PREFIX = 'fl-';
const NAME = /^fl-([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/;

/** `fl-` and the 32 hex digits of the session id: 35 characters, a valid DNS label and kind cluster name. */
export function clusterName(sessionId: string): string {
  const hex = sessionId.toLowerCase().replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`session id ${sessionId} is not a UUID`);
  return `${PREFIX}${hex}`;
}

/** The session a cluster name belongs to; undefined for clusters this library did not name. */
export function sessionOfCluster(name: string): string | undefined {
  const parts = NAME.exec(name);
  return parts ? parts.slice(1).join('-') : undefined;
}
