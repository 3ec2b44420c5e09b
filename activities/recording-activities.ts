// Closing the participant's recording: once the session is repaired (or over), the gateway refuses the
// session's kube credentials, so the replay and the score cover exactly the session.
import { and, eq, gt } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { kubeCredentials } from '../db/schema.ts';
import { recordEvent } from './session-store.ts';

export function createRecordingActivities({ db }: { db: Database }) {
  return {
    async closeRecording({ sessionId }: { sessionId: string }): Promise<{ revoked: number }> {
      const now = new Date();
      const revoked = await db
        .update(kubeCredentials)
        .set({ expiresAt: now })
        .where(and(eq(kubeCredentials.sessionId, sessionId), gt(kubeCredentials.expiresAt, now)))
        .returning({ tokenHash: kubeCredentials.tokenHash });
      await recordEvent(db, { sessionId, dedupeKey: 'recording:closed', kind: 'note', summary: 'Recording closed: kubectl access ended' });
      return { revoked: revoked.length };
    },
  };
}
