// The Helm chart (infra/helm/failurelib): `helm lint --strict` is clean, and `helm template` renders the objects
// an operator expects for the values that matter: the three parts with their replicas, resources and probes, the
// Temporal TLS/API key wiring, Secrets for the database and Sumo, the namespace driver's least-privilege RBAC,
// the gateway's certificate (a given Secret or cert-manager), ingress, the migration hook Job, PDBs and the
// ServiceMonitor.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { requireTool, ROOT } from '../../infra/lib/tools.ts';

const CHART = join(ROOT, 'infra/helm/failurelib');
const helm = (args: string[]) => execFileSync(requireTool('helm'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[];
  data?: Record<string, string>;
}

function render(set: Record<string, string | number | boolean> = {}): K8sObject[] {
  const flags = Object.entries(set).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  const out = helm(['template', 'fl', CHART, '--namespace', 'booth', '--kube-version', '1.36.3', ...flags]);
  return parseAllDocuments(out)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

const find = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${objects.map((object) => `${object.kind}/${object.metadata.name}`).join(', ')}`);
  return found;
};
const container = (deployment: K8sObject) => deployment.spec.template.spec.containers[0];
const envOf = (deployment: K8sObject): Record<string, unknown> =>
  Object.fromEntries(
    container(deployment).env.map((entry: { name: string; value?: string; valueFrom?: unknown }) => [
      entry.name,
      entry.value ?? entry.valueFrom,
    ]),
  );

describe('the Helm chart', () => {
  it('lints clean with the default values and with every option on', () => {
    expect(helm(['lint', '--strict', CHART])).toContain('0 chart(s) failed');
    const everything = [
      'metrics.serviceMonitor.enabled=true',
      'gateway.tls.certManager.enabled=true',
      'gateway.tls.certManager.issuerRef.name=booth-ca',
      'temporal.tls.enabled=true',
      'temporal.tls.existingSecret=temporal-client',
      'temporal.apiKey.existingSecret=temporal-cloud',
      'sla.sumo.existingSecret=sumo',
    ].flatMap((value) => ['--set', value]);
    expect(helm(['lint', '--strict', CHART, ...everything])).toContain('0 chart(s) failed');
  });

  it('renders the expected objects with the default values', () => {
    const objects = render();
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual(
      [
        'ClusterRole/fl-failurelib-engine',
        'ClusterRole/fl-failurelib-gateway',
        'ClusterRoleBinding/fl-failurelib-engine',
        'ClusterRoleBinding/fl-failurelib-gateway',
        'Deployment/fl-failurelib-api',
        'Deployment/fl-failurelib-web',
        'Deployment/fl-failurelib-worker',
        'Ingress/fl-failurelib',
        'Job/fl-failurelib-migrate',
        'PodDisruptionBudget/fl-failurelib-api',
        'PodDisruptionBudget/fl-failurelib-web',
        'PodDisruptionBudget/fl-failurelib-worker',
        'Secret/fl-failurelib-secrets',
        'Service/fl-failurelib-api',
        'Service/fl-failurelib-gateway',
        'Service/fl-failurelib-web',
        'Service/fl-failurelib-worker-metrics',
        'ServiceAccount/fl-failurelib-api',
        'ServiceAccount/fl-failurelib-worker',
      ].sort(),
    );
  });

  it('runs each part with its replicas, resources, probes and a non-root, read-only container', () => {
    const objects = render({ 'api.replicas': 3, 'worker.replicas': 4, 'web.replicas': 1, 'worker.resources.limits.memory': '1Gi' });
    const api = find(objects, 'Deployment', 'fl-failurelib-api');
    const worker = find(objects, 'Deployment', 'fl-failurelib-worker');
    const web = find(objects, 'Deployment', 'fl-failurelib-web');
    expect([api.spec.replicas, worker.spec.replicas, web.spec.replicas]).toEqual([3, 4, 1]);
    expect(container(worker).resources.limits.memory).toBe('1Gi');
    expect(container(api).command).toEqual(['node', 'api/main.ts']);
    expect(container(worker).command).toEqual(['node', 'worker/main.ts']);
    expect(container(web).command).toEqual(['node', 'web/production-server.ts']);
    expect(container(api).readinessProbe.httpGet).toEqual({ path: '/api/health', port: 'http' });
    expect(container(worker).livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container(web).readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    for (const deployment of [api, worker, web]) {
      expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
      expect(container(deployment).securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    }
    expect(web.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(envOf(web)).toMatchObject({ API_URL: 'http://fl-failurelib-api:3000', WEB_ORIGIN: 'https://failurelib.example.com' });
  });

  it('wires Temporal, the database and Sumo from values and Secrets', () => {
    const plain = envOf(find(render(), 'Deployment', 'fl-failurelib-worker'));
    expect(plain).toMatchObject({ TEMPORAL_ADDRESS: 'temporal-frontend.temporal.svc:7233', TEMPORAL_NAMESPACE: 'default' });
    expect(plain.TEMPORAL_TLS).toBeUndefined();
    expect(plain.DATABASE_URL).toEqual({ secretKeyRef: { name: 'failurelib-database', key: 'url' } });
    expect(plain.FL_KUBECONFIG).toBe('in-cluster');
    expect(plain.FL_SWEEPER_EVERY).toBe('5m');

    const objects = render({
      'temporal.address': 'booth.a1b2c.tmprl.cloud:7233',
      'temporal.namespace': 'booth.a1b2c',
      'temporal.tls.enabled': true,
      'temporal.tls.existingSecret': 'temporal-client',
      'temporal.tls.caKey': 'ca.crt',
      'temporal.apiKey.existingSecret': 'temporal-cloud',
      'sla.sumo.existingSecret': 'sumo',
      'sla.provider': 'sumo',
      'sweeper.every': '10m',
    });
    for (const name of ['fl-failurelib-api', 'fl-failurelib-worker']) {
      const deployment = find(objects, 'Deployment', name);
      expect(envOf(deployment)).toMatchObject({
        TEMPORAL_ADDRESS: 'booth.a1b2c.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'booth.a1b2c',
        TEMPORAL_TLS: '1',
        TEMPORAL_TLS_CERT: '/etc/failurelib/temporal-tls/tls.crt',
        TEMPORAL_TLS_KEY: '/etc/failurelib/temporal-tls/tls.key',
        TEMPORAL_TLS_CA: '/etc/failurelib/temporal-tls/ca.crt',
        TEMPORAL_API_KEY: { secretKeyRef: { name: 'temporal-cloud', key: 'api-key' } },
        SLA_PROVIDER: 'sumo',
        SUMO_ACCESS_ID: { secretKeyRef: { name: 'sumo', key: 'access-id' } },
        SUMO_ACCESS_KEY: { secretKeyRef: { name: 'sumo', key: 'access-key' } },
      });
      expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'temporal-tls', secret: { secretName: 'temporal-client' } });
    }
    expect(envOf(find(objects, 'Deployment', 'fl-failurelib-worker')).FL_SWEEPER_EVERY).toBe('10m');
  });

  it('gives the worker only the rights the namespace driver uses, and the API only token requests', () => {
    const objects = render();
    const engine = find(objects, 'ClusterRole', 'fl-failurelib-engine').rules!;
    const secrets = engine.find((rule) => rule.resources.includes('secrets'))!;
    expect(secrets.verbs).not.toContain('list');
    expect(secrets.verbs).not.toContain('watch');
    expect(engine.find((rule) => rule.resources.includes('clusterroles'))).toEqual({
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterroles'],
      verbs: ['bind'],
      resourceNames: ['edit'],
    });
    expect(engine.flatMap((rule) => rule.verbs)).not.toContain('*');
    expect(engine.flatMap((rule) => rule.verbs)).not.toContain('escalate');
    expect(find(objects, 'ClusterRole', 'fl-failurelib-gateway').rules).toEqual([
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
    ]);
    const binding = find(objects, 'ClusterRoleBinding', 'fl-failurelib-engine') as unknown as { subjects: unknown[] };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'fl-failurelib-worker', namespace: 'booth' }]);
    // A kubeconfig for another cluster instead: no rights on this one.
    const remote = render({ 'cluster.kubeconfigSecret': 'sandbox-cluster' });
    expect(remote.filter((object) => object.kind.startsWith('ClusterRole'))).toEqual([]);
    expect(envOf(find(remote, 'Deployment', 'fl-failurelib-worker')).FL_KUBECONFIG).toBe('/etc/failurelib/kubeconfig/kubeconfig');
  });

  it("serves the gateway from one certificate: a given Secret, or cert-manager's for the public host", () => {
    const given = render({ 'gateway.tls.secretName': 'booth-gateway', 'gateway.publicUrl': 'https://kube.booth.example:6443' });
    const api = find(given, 'Deployment', 'fl-failurelib-api');
    expect(api.spec.template.spec.volumes).toContainEqual({ name: 'gateway-tls', secret: { secretName: 'booth-gateway' } });
    expect(envOf(api)).toMatchObject({
      FL_GATEWAY_TLS_DIR: '/etc/failurelib/gateway-tls',
      FL_GATEWAY_PUBLIC_URL: 'https://kube.booth.example:6443',
    });
    expect(given.some((object) => object.kind === 'Certificate')).toBe(false);
    expect(find(given, 'Service', 'fl-failurelib-gateway').spec).toMatchObject({
      type: 'LoadBalancer',
      ports: [{ name: 'https', port: 443, targetPort: 'gateway' }],
    });

    const issued = render({ 'gateway.tls.certManager.enabled': true, 'gateway.tls.certManager.issuerRef.name': 'booth-ca' });
    expect(find(issued, 'Certificate', 'fl-failurelib-gateway').spec).toMatchObject({
      secretName: 'failurelib-gateway-tls',
      dnsNames: ['kube.failurelib.example.com'],
      issuerRef: { name: 'booth-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
  });

  it("runs on the nodes' own network when asked: each part listens on its node's address and port only", () => {
    const onPods = render();
    for (const part of ['web', 'api', 'worker'])
      expect(find(onPods, 'Deployment', `fl-failurelib-${part}`).spec.template.spec.hostNetwork).toBeUndefined();
    expect(envOf(find(onPods, 'Deployment', 'fl-failurelib-api'))).toMatchObject({
      API_HOST: '0.0.0.0',
      API_PORT: '3000',
      FL_GATEWAY_PORT: '6443',
    });

    const onNodes = render({ hostNetwork: true, 'api.port': 31000, 'gateway.port': 31001, 'web.port': 31002, 'worker.metricsPort': 31003 });
    const podIp = { fieldRef: { fieldPath: 'status.podIP' } };
    const listening = {
      api: [{ API_HOST: podIp, API_PORT: '31000', FL_GATEWAY_HOST: podIp, FL_GATEWAY_PORT: '31001' }, [31000, 31001]],
      web: [{ WEB_HOST: podIp, WEB_PORT: '31002' }, [31002]],
      worker: [{ FL_WORKER_METRICS_HOST: podIp, FL_WORKER_METRICS_PORT: '31003' }, [31003]],
    } as const;
    for (const [part, [env, ports]] of Object.entries(listening)) {
      const deployment = find(onNodes, 'Deployment', `fl-failurelib-${part}`);
      expect(deployment.spec.template.spec).toMatchObject({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
      expect(envOf(deployment)).toMatchObject(env);
      expect(container(deployment).ports.map((port: { containerPort: number }) => port.containerPort)).toEqual(ports);
    }
    expect(find(onNodes, 'Job', 'fl-failurelib-migrate').spec.template.spec.hostNetwork).toBe(true);
    // Services keep their ports; they forward to the parts' named ports.
    expect(find(onNodes, 'Service', 'fl-failurelib-api').spec.ports).toEqual([{ name: 'http', port: 3000, targetPort: 'http' }]);
  });

  it('routes the website and the API on the public host, migrates before install and upgrade, and can be scraped', () => {
    const objects = render({ 'ingress.className': 'nginx', 'ingress.tlsSecret': 'site-tls', 'metrics.serviceMonitor.enabled': true });
    const ingress = find(objects, 'Ingress', 'fl-failurelib').spec;
    expect(ingress.ingressClassName).toBe('nginx');
    expect(ingress.tls).toEqual([{ hosts: ['failurelib.example.com'], secretName: 'site-tls' }]);
    expect(
      ingress.rules[0].http.paths.map((path: { path: string; backend: { service: { name: string } } }) => [
        path.path,
        path.backend.service.name,
      ]),
    ).toEqual([
      ['/api', 'fl-failurelib-api'],
      ['/', 'fl-failurelib-web'],
    ]);
    const job = find(objects, 'Job', 'fl-failurelib-migrate');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(container(job).command).toEqual(['node', 'db/migrate.ts']);
    const monitor = find(objects, 'ServiceMonitor', 'fl-failurelib');
    expect(monitor.spec.selector.matchLabels['failurelib.dev/metrics']).toBe('true');
    const scraped = objects.filter((object) => object.kind === 'Service' && object.metadata.labels?.['failurelib.dev/metrics'] === 'true');
    expect(scraped.map((service) => service.metadata.name).sort()).toEqual(['fl-failurelib-api', 'fl-failurelib-worker-metrics']);
    for (const part of ['web', 'api', 'worker'])
      expect(find(objects, 'PodDisruptionBudget', `fl-failurelib-${part}`).spec.maxUnavailable).toBe(1);
    expect(render({ 'migrations.enabled': false }).some((object) => object.kind === 'Job')).toBe(false);
  });
});
