// A sandbox is handed out only once the API server enforces the admission policies for it. A new
// ValidatingAdmissionPolicy takes effect when the API server's informer has seen it (about a second after it is
// created); until then the participant account could mint a token. So the check is made as the participant
// itself: a dry-run create of a service-account-token Secret must be refused by the policy.
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { CREDENTIALS_POLICY } from './admission-policy.ts';
import type { Kube } from './kube.ts';
import { issueParticipantToken } from './sandbox.ts';

const ENFORCED_WITHIN_MS = 30_000;
const RETRY_MS = 250;

function dryRunTokenSecret(kube: Kube, namespace: string, token: string): Promise<{ status: number; body: string }> {
  const secret = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { generateName: 'admission-check-', annotations: { 'kubernetes.io/service-account.name': 'default' } },
    type: 'kubernetes.io/service-account-token',
  });
  const url = new URL(`/api/v1/namespaces/${namespace}/secrets?dryRun=All`, kube.server);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        ca: kube.caData || undefined,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        timeout: 10_000,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('admission check timed out')));
    outgoing.on('error', reject);
    outgoing.end(secret);
  });
}

/** Resolves once the participant account of `namespace` is refused a token Secret by the sandbox's policy. */
export async function awaitAdmissionPolicyEnforced(kube: Kube, namespace: string): Promise<void> {
  const { token } = await issueParticipantToken(kube, namespace, 600);
  const deadline = Date.now() + ENFORCED_WITHIN_MS;
  for (;;) {
    const { status, body } = await dryRunTokenSecret(kube, namespace, token);
    if (status === 403 && body.includes(CREDENTIALS_POLICY)) return;
    if (Date.now() > deadline) {
      throw new Error(`the sandbox admission policy is not enforced in ${namespace} after 30 s (a dry-run token Secret got ${status})`);
    }
    await sleep(RETRY_MS);
  }
}
