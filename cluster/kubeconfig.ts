// Writes kubeconfig files (YAML) for a server, a CA and a bearer token.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigInput {
  server: string;
  caData: string;
  token: string;
  user: string;
  namespace?: string;
  clusterName?: string;
}

export function renderKubeconfig({ server, caData, token, user, namespace, clusterName = 'failurelib' }: KubeconfigInput): string {
  const context = { cluster: clusterName, user, ...(namespace ? { namespace } : {}) };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // No CA (a publicly trusted certificate): kubectl checks the server against the system's CAs.
    clusters: [
      { name: clusterName, cluster: { server, ...(caData && { 'certificate-authority-data': Buffer.from(caData).toString('base64') }) } },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: clusterName, context }],
    'current-context': clusterName,
  });
}

export function writeKubeconfig(path: string, input: KubeconfigInput): void {
  writeFileSync(path, renderKubeconfig(input), { mode: 0o600 });
}
