// A one-service fixture system for the real node's tests: one web page (busybox httpd) behind a Service `web`,
// and a journey that reads it twice a second, judged over 10 s.
import { imageName } from '../../infra/real-node/config.ts';
import type { System } from '../../scenarios/lib/schema.ts';

export const greeterSystem: System = {
  apiVersion: 'failurelib.dev/v1',
  kind: 'System',
  metadata: { name: 'greeter' },
  spec: {
    name: 'Greeter',
    description: 'One web page.',
    services: ['web'],
    manifests: 'inline',
    loadGenerator: { journeys: [{ name: 'read', ratePerSecond: 2, steps: [{ service: 'web', method: 'GET', path: '/' }] }] },
    objectives: [
      {
        name: 'readers-read',
        description: 'Readers get the page.',
        journey: { name: 'read', minSuccessRate: 0.95, maxP95Ms: 500, windowSeconds: 10 },
        kubeState: { serviceReachable: { name: 'web', minPods: 1 } },
      },
    ],
  },
};

export const greeterLabels = { 'app.kubernetes.io/name': 'web' };

export const greeterService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { selector: greeterLabels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
};

/**
 * The web Deployment: busybox httpd serving /tmp/srv after `before` (a shell fragment run first, e.g. a check that
 * fails), with `env`; `recreate` replaces the pod instead of rolling (a new pod that never gets ready then breaks it).
 */
export function greeterDeployment({
  before = '',
  env = {},
  recreate = false,
}: { before?: string; env?: Record<string, string>; recreate?: boolean } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 1,
      ...(recreate ? { strategy: { type: 'Recreate' } } : {}),
      selector: { matchLabels: greeterLabels },
      template: {
        metadata: { labels: greeterLabels },
        spec: {
          // busybox httpd as PID 1 ignores SIGTERM: without this a scale-down would serve on for the default 30 s.
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'web',
              image: imageName('debian-base'),
              ...(Object.keys(env).length > 0 ? { env: Object.entries(env).map(([name, value]) => ({ name, value })) } : {}),
              command: [
                'sh',
                '-c',
                `mkdir -p /tmp/srv && echo hello > /tmp/srv/index.html && ${before}exec busybox httpd -f -p 8080 -h /tmp/srv`,
              ],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
              resources: { limits: { cpu: '200m', memory: '32Mi' } },
            },
          ],
        },
      },
    },
  };
}
