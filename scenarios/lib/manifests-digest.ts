// The digest a session's plan keeps of its system's manifests, so the deploy can tell that the system
// changed between the session's creation and its deploy (a library edit, or a worker of another version).
import { createHash } from 'node:crypto';

export function manifestsSha256(manifests: string): string {
  return createHash('sha256').update(manifests).digest('hex');
}
