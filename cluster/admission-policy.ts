// The cluster itself refuses what would let a participant reach the API server without the gateway: minting a
// token (a service-account-token Secret the token controller fills, or a TokenRequest) and binding roles. A
// ValidatingAdmissionPolicy is built into the API server, so this holds whatever encoding a request uses and
// whether or not it came through the gateway. It applies to every service account of a sandbox namespace
// (the participant, and any account it could impersonate there), and to pods that would run as the
// participant account (their mounted token would be the same escape).
import type { KubernetesObject } from '@kubernetes/client-node';
import { PatchStrategy } from '@kubernetes/client-node';
import { asClientModel } from './sandbox.ts';
import type { Kube } from './kube.ts';
import { DEPLOY_FIELD_MANAGER, MANAGED_BY, MANAGED_BY_LABEL, PARTICIPANT_ACCOUNT } from './labels.ts';

export const CREDENTIALS_POLICY = 'sandbox-accounts-mint-no-credentials';
export const PODS_POLICY = 'sandbox-pods-not-as-participant';

/** Service accounts of sandbox namespaces (`fl-` and 20 hex digits: see sandboxNamespace). */
const SANDBOX_ACCOUNT = "request.userInfo.username.matches('^system:serviceaccount:fl-[0-9a-f]{20}:')";

const policy = (name: string, spec: Record<string, unknown>): KubernetesObject =>
  ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
    spec: { failurePolicy: 'Fail', ...spec },
  }) as KubernetesObject;

const binding = (name: string, extra: Record<string, unknown> = {}): KubernetesObject =>
  ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
    spec: { policyName: name, validationActions: ['Deny'], ...extra },
  }) as KubernetesObject;

export function sandboxAdmissionPolicies(): KubernetesObject[] {
  return [
    policy(CREDENTIALS_POLICY, {
      matchConstraints: {
        resourceRules: [
          { apiGroups: [''], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['secrets', 'serviceaccounts/token'] },
          {
            apiGroups: ['rbac.authorization.k8s.io'],
            apiVersions: ['*'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['rolebindings', 'clusterrolebindings'],
          },
        ],
      },
      matchConditions: [{ name: 'sandbox-service-account', expression: SANDBOX_ACCOUNT }],
      validations: [
        {
          expression: "request.resource.resource != 'secrets' || !has(object.type) || object.type != 'kubernetes.io/service-account-token'",
          message: 'sandbox accounts cannot create service account token secrets',
          reason: 'Forbidden',
        },
        // An empty subresource is absent from the request: `has` first, or the expression errs (and Fail refuses all).
        {
          expression: "!has(request.subResource) || request.subResource != 'token'",
          message: 'sandbox accounts cannot request service account tokens',
          reason: 'Forbidden',
        },
        {
          expression: "request.resource.group != 'rbac.authorization.k8s.io'",
          message: 'sandbox accounts cannot bind roles',
          reason: 'Forbidden',
        },
      ],
    }),
    binding(CREDENTIALS_POLICY),
    policy(PODS_POLICY, {
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
        namespaceSelector: { matchLabels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
      },
      validations: [
        {
          expression: `!has(object.spec.serviceAccountName) || object.spec.serviceAccountName != '${PARTICIPANT_ACCOUNT}'`,
          message: `pods in a sandbox cannot run as the ${PARTICIPANT_ACCOUNT} account`,
          reason: 'Forbidden',
        },
      ],
    }),
    binding(PODS_POLICY),
  ];
}

const installed = new WeakSet<Kube>();

/**
 * Installs the policies (server-side apply: idempotent) once per cluster client. The engine's credentials
 * must be allowed to manage ValidatingAdmissionPolicies: without them no sandbox is made, rather than one
 * a participant could mint tokens in.
 */
export async function installSandboxAdmissionPolicies(kube: Kube): Promise<void> {
  if (installed.has(kube)) return;
  for (const object of sandboxAdmissionPolicies()) {
    await kube.objects.patch(asClientModel(object), undefined, undefined, DEPLOY_FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }
  installed.add(kube);
}
