// The load generator the engine deploys into every sandbox of a system with journeys: a Deployment running
// services/load-generator from the node-services image, its journeys as a ConfigMap, a Service the SLA reads
// /results through (the API server's service proxy), and a NetworkPolicy that lets it reach the system and be
// read whatever policies the system or a fault adds. Labelled so the gateway refuses participants' writes to it
// and Challenge mode hides it; it goes with the sandbox's namespace.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { System } from '../scenarios/lib/schema.ts';
import { LOAD_GENERATOR_LABEL, LOAD_GENERATOR_NAME } from './labels.ts';

export const LOAD_GENERATOR_IMAGE = 'localhost/failurelib/node-services:local';
export const LOAD_GENERATOR_PORT = 8080;
/** How much history /results keeps; objectives' windows must fit (the schema caps them at 300 s). */
const RETAIN_SECONDS = 300;

const labels = { 'app.kubernetes.io/name': LOAD_GENERATOR_NAME, [LOAD_GENERATOR_LABEL]: 'true' };
const selector = { 'app.kubernetes.io/name': LOAD_GENERATOR_NAME, [LOAD_GENERATOR_LABEL]: 'true' };

/** The objects to apply into the sandbox; none for a system without journeys. */
export function loadGeneratorObjects(system: System, image = LOAD_GENERATOR_IMAGE): KubernetesObject[] {
  const journeys = system.spec.loadGenerator?.journeys;
  if (!journeys?.length) return [];
  const windows = system.spec.objectives.flatMap((o) => (o.journey ? [o.journey.windowSeconds] : []));
  const metadata = { name: LOAD_GENERATOR_NAME, labels };
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { 'journeys.json': JSON.stringify({ journeys }) } } as KubernetesObject,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001 },
            containers: [
              {
                name: LOAD_GENERATOR_NAME,
                image,
                imagePullPolicy: 'IfNotPresent',
                command: ['node', '/app/load-generator.js'],
                env: [
                  { name: 'PORT', value: String(LOAD_GENERATOR_PORT) },
                  { name: 'JOURNEYS_FILE', value: '/etc/load-generator/journeys.json' },
                  { name: 'WINDOW_SECONDS', value: String(Math.max(10, ...windows)) },
                  { name: 'RETAIN_SECONDS', value: String(RETAIN_SECONDS) },
                ],
                ports: [{ name: 'http', containerPort: LOAD_GENERATOR_PORT }],
                readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
                resources: { requests: { cpu: '20m', memory: '48Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [{ name: 'journeys', mountPath: '/etc/load-generator', readOnly: true }],
              },
            ],
            volumes: [{ name: 'journeys', configMap: { name: LOAD_GENERATOR_NAME } }],
          },
        },
      },
    } as KubernetesObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    } as KubernetesObject,
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata,
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        // Read by the API server's service proxy (from the node or the control plane, not a pod).
        ingress: [{ ports: [{ protocol: 'TCP', port: LOAD_GENERATOR_PORT }] }],
        egress: [
          { to: [{ podSelector: {} }] },
          // Cluster DNS wherever it runs (on the real node CoreDNS uses the host's network, not a pod address).
          {
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    } as KubernetesObject,
  ];
}
