// A validating webhook with failurePolicy Fail whose backend has no endpoints: every pod creation in the
// sandbox is refused. Webhook configurations are cluster-scoped: this one is named after and labelled with
// the sandbox namespace (and session), and its namespaceSelector limits it to that namespace.
import type { V1ValidatingWebhookConfiguration } from '@kubernetes/client-node';
import type { FaultOf } from '../../scenarios/lib/schema.ts';
import { SANDBOX_LABEL, SESSION_LABEL } from '../../cluster/labels.ts';
import { createOnce, deleteCreated, markedObject, readCreated } from './created-object.ts';
import type { FaultContext, FaultHandler } from './handler.ts';

function webhook(
  context: Pick<FaultContext, 'namespace' | 'sessionId'>,
  { args }: FaultOf<'webhook-fail-closed'>,
): V1ValidatingWebhookConfiguration {
  const { namespace, sessionId } = context;
  return markedObject('webhook-fail-closed', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: {
      name: `${args.name}-${namespace}`,
      labels: { [SANDBOX_LABEL]: namespace, ...(sessionId ? { [SESSION_LABEL]: sessionId } : {}) },
    },
    webhooks: [
      {
        // The name shows in the sandbox's events ("failed calling webhook …"): a service's own, never the engine's.
        name: `${args.name}.${args.service}.${namespace}.svc`,
        clientConfig: { service: { namespace, name: args.service, path: '/validate', port: 443 } },
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Namespaced' }],
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        failurePolicy: 'Fail',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        timeoutSeconds: 2,
      },
    ],
  });
}

export const webhookFailClosed: FaultHandler<'webhook-fail-closed'> = {
  creates: (context, fault) => [webhook(context, fault)],
  async apply(context, fault) {
    await createOnce(context, webhook(context, fault));
    return `validatingwebhookconfiguration/${fault.args.name}-${context.namespace} created (failurePolicy Fail, service ${fault.args.service})`;
  },
  async tookEffect(context, fault) {
    return (await readCreated(context, webhook(context, fault))) !== undefined;
  },
  async revert(context, fault) {
    return (await deleteCreated(context, 'webhook-fail-closed', webhook(context, fault)))
      ? `validatingwebhookconfiguration/${fault.args.name}-${context.namespace} deleted`
      : 'nothing to revert';
  },
};
