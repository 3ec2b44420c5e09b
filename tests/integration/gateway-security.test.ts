// The gateway's security against a hostile participant, on the real sim cluster: no encoding of a write
// mints a token or binds a role (through the gateway, and straight at the API server with the participant's
// own account, where the sandbox's admission policy refuses it); Challenge mode shows no engine or fault mark
// in any representation; a change with NULs and control characters is applied and recorded; guessing tokens
// is throttled.
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { and, asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { issueParticipantToken } from '../../cluster/sandbox.ts';
import { kubeRequests, sessionEvents } from '../../db/schema.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

const database = inject('databases').find((db) => db.name === 'pglite') ?? inject('databases')[0];
const RUNS = Number(process.env.FL_FUZZ_RUNS ?? 60);
const TOKEN_TYPE = 'kubernetes.io/service-account-token';

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

function send(
  base: string,
  ca: string,
  token: string,
  method: string,
  path: string,
  options: { accept?: string; contentType?: string; body?: Buffer | string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
    if (options.accept) headers.accept = options.accept;
    if (options.contentType) headers['content-type'] = options.contentType;
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    if (body) headers['content-length'] = body.length;
    const outgoing = httpsRequest(new URL(path, base), { method, ca, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          contentType: String(incoming.headers['content-type'] ?? ''),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

// --- Writes that mean "a token Secret", "a RoleBinding" or "a TokenRequest", in every encoding. ---

/** The string as a JSON literal with some characters escaped (`\u002f`; `\/` unless the body is read as YAML, which has no such escape). */
const jsonSpelling = (text: string, { solidus = true } = {}) =>
  fc
    .array(fc.constantFrom('plain', 'unicode', 'UNICODE', ...(solidus ? ['solidus'] : [])), {
      minLength: text.length,
      maxLength: text.length,
    })
    .map(
      (ways) =>
        `"${[...text]
          .map((char, index) => {
            const way = ways[index];
            const hex = char.charCodeAt(0).toString(16).padStart(4, '0');
            if (way === 'unicode') return `\\u${hex}`;
            if (way === 'UNICODE') return `\\u${hex.toUpperCase()}`;
            if (way === 'solidus' && char === '/') return '\\/';
            return char;
          })
          .join('')}"`,
    );

/** The string as a YAML scalar: plain, quoted with `\x2F`/`\u002f` escapes, folded or literal. */
const yamlSpelling = (text: string) =>
  fc.oneof(
    fc.constant(text),
    fc.constant(`'${text}'`),
    fc.constant(`>-\n    ${text}`),
    fc.constant(`|-\n    ${text}`),
    fc.array(fc.constantFrom('plain', 'x', 'u'), { minLength: text.length, maxLength: text.length }).map(
      (ways) =>
        `"${[...text]
          .map((char, index) => {
            const code = char.charCodeAt(0);
            if (ways[index] === 'x') return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
            if (ways[index] === 'u') return `\\u${code.toString(16).padStart(4, '0')}`;
            return char;
          })
          .join('')}"`,
    ),
  );

/** Protobuf, by hand: the `k8s\0` envelope around a runtime.Unknown holding a v1.Secret. */
function protobufSecret(name: string, type: string): Buffer {
  const varint = (value: number): Buffer => {
    const bytes: number[] = [];
    let rest = value;
    while (rest > 127) {
      bytes.push((rest & 127) | 128);
      rest >>>= 7;
    }
    bytes.push(rest);
    return Buffer.from(bytes);
  };
  const field = (number: number, bytes: Buffer) => Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
  const text = (number: number, value: string) => field(number, Buffer.from(value));
  const annotation = field(12, Buffer.concat([text(1, 'kubernetes.io/service-account.name'), text(2, 'participant')]));
  const secret = Buffer.concat([field(1, Buffer.concat([text(1, name), annotation])), text(3, type)]);
  const unknown = Buffer.concat([field(1, Buffer.concat([text(1, 'v1'), text(2, 'Secret')])), field(2, secret)]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

interface Write {
  label: string;
  method: string;
  path: (namespace: string) => string;
  contentType: string;
  body: (namespace: string) => Buffer | string;
}

const secretsPath = (namespace: string) => `/api/v1/namespaces/${namespace}/secrets`;
const SA_ANNOTATION = 'kubernetes.io/service-account.name';
/** An existing Opaque Secret the patches try to turn into a token Secret. */
const EXISTING = 'plain-settings';

function writes(name: string): fc.Arbitrary<Write> {
  const jsonSecret = jsonSpelling(TOKEN_TYPE).map((type): Write => ({
    label: `JSON Secret ${type}`,
    method: 'POST',
    path: secretsPath,
    contentType: 'application/json',
    body: () =>
      `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"${name}","annotations":{"${SA_ANNOTATION}":"participant"}},"type":${type}}`,
  }));
  const yamlSecret = fc
    .tuple(yamlSpelling(TOKEN_TYPE), fc.constantFrom('application/yaml', 'application/apply-patch+yaml'))
    .map(([type, contentType]): Write => ({
      label: `${contentType} Secret ${type}`,
      method: contentType === 'application/yaml' ? 'POST' : 'PATCH',
      contentType,
      path: (namespace) =>
        contentType === 'application/yaml' ? secretsPath(namespace) : `${secretsPath(namespace)}/${name}?fieldManager=kubectl&force=true`,
      body: () =>
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  annotations:\n    ${SA_ANNOTATION}: participant\ntype: ${type}\n`,
    }));
  const applyJson = jsonSpelling(TOKEN_TYPE, { solidus: false }).map((type): Write => ({
    label: `apply (JSON) Secret ${type}`,
    method: 'PATCH',
    contentType: 'application/apply-patch+yaml',
    path: (namespace) => `${secretsPath(namespace)}/${name}?fieldManager=kubectl`,
    body: () =>
      `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"${name}","annotations":{"${SA_ANNOTATION}":"participant"}},"type":${type}}`,
  }));
  const patches = fc
    .tuple(
      jsonSpelling(TOKEN_TYPE),
      fc.constantFrom('application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json'),
    )
    .map(([type, contentType]): Write => ({
      label: `${contentType} ${type}`,
      method: 'PATCH',
      contentType,
      path: (namespace) => `${secretsPath(namespace)}/${EXISTING}`,
      body: () =>
        contentType === 'application/json-patch+json'
          ? `[{"op":"replace","path":"/type","value":${type}},{"op":"add","path":"/metadata/annotations","value":{"${SA_ANNOTATION}":"participant"}}]`
          : `{"metadata":{"annotations":{"${SA_ANNOTATION}":"participant"}},"type":${type}}`,
    }));
  const replaced = jsonSpelling(TOKEN_TYPE).map((type): Write => ({
    label: `PUT Secret ${type}`,
    method: 'PUT',
    contentType: 'application/json',
    path: (namespace) => `${secretsPath(namespace)}/${EXISTING}`,
    body: () =>
      `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"${EXISTING}","annotations":{"${SA_ANNOTATION}":"participant"}},"type":${type}}`,
  }));
  const protobuf = fc.constant<Write>({
    label: 'protobuf Secret',
    method: 'POST',
    path: secretsPath,
    contentType: 'application/vnd.kubernetes.protobuf',
    body: () => protobufSecret(name, TOKEN_TYPE),
  });
  const roleBinding = fc
    .tuple(fc.constantFrom('edit', 'admin', 'cluster-admin'), fc.constantFrom('application/json', 'application/yaml'))
    .map(([role, contentType]): Write => ({
      label: `${contentType} RoleBinding to ${role}`,
      method: 'POST',
      contentType,
      path: (namespace) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`,
      body: (namespace) => {
        const object = {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
          subjects: [{ kind: 'ServiceAccount', name: 'default', namespace }],
        };
        return contentType === 'application/json'
          ? JSON.stringify(object)
          : `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: ${name}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role}}\nsubjects:\n- {kind: ServiceAccount, name: default, namespace: ${namespace}}\n`;
      },
    }));
  const clusterRoleBinding = fc.constant<Write>({
    label: 'ClusterRoleBinding',
    method: 'POST',
    contentType: 'application/json',
    path: () => '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
    body: (namespace) =>
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'participant', namespace }],
      }),
  });
  const tokenRequest = fc
    .tuple(fc.constantFrom('participant', 'default'), fc.constantFrom('application/json', 'application/yaml'))
    .map(([account, contentType]): Write => ({
      label: `${contentType} TokenRequest for ${account}`,
      method: 'POST',
      contentType,
      path: (namespace) => `/api/v1/namespaces/${namespace}/serviceaccounts/${account}/token`,
      body: () =>
        contentType === 'application/json'
          ? '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":3600}}'
          : 'apiVersion: authentication.k8s.io/v1\nkind: TokenRequest\nspec:\n  expirationSeconds: 3600\n',
    }));
  return fc.oneof(jsonSecret, yamlSecret, applyJson, patches, replaced, protobuf, roleBinding, clusterRoleBinding, tokenRequest);
}

const writeCase = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{3,10}$/).map((suffix) => `mint-${suffix}`))
  .chain(([name]) => writes(name).map((write) => ({ name, write })));

function tokenOf(kubeconfig: string): string {
  return /token: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1] ?? '';
}

describe(`gateway security on ${database?.name}`, () => {
  let harness: Harness;
  let learn: { id: string; token: string; namespace: string; gatewayToken: string };

  async function readySession(body: Record<string, unknown>) {
    const { id, participantToken: token } = await createSession(harness.app, body);
    await waitForPhase(harness.app, id, token, ['ready']);
    return { id, token, namespace: sandboxNamespace(id), gatewayToken: tokenOf(await participantKubeconfig(harness.app, id, token)) };
  }

  async function runningChallenge(scenarioName: string) {
    const scenario = harness.library.scenarios.get(scenarioName);
    if (!scenario) throw new Error(`no scenario ${scenarioName}`);
    const session = await readySession({ mode: 'challenge', scenarioId: harness.challengeId(scenarioName) });
    const start = await harness.app.inject({
      method: 'POST',
      url: `/api/sessions/${session.id}/start`,
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(start.statusCode, start.body).toBe(200);
    await waitForPhase(harness.app, session.id, session.token, ['running'], 60_000);
    return session;
  }

  const viaGateway = (token: string) => (method: string, path: string, options?: Parameters<typeof send>[5]) =>
    send(harness.gatewayUrl, harness.gateway.caPem, token, method, path, options);

  beforeAll(async () => {
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: database?.url ?? '',
    });
    learn = await readySession({});
    await harness.kube.core.createNamespacedSecret({
      namespace: learn.namespace,
      body: { metadata: { name: EXISTING }, type: 'Opaque', stringData: { mode: 'plain' } },
    });
  }, 180_000);
  afterAll(async () => harness?.close());

  async function assertNothingMinted(namespace: string): Promise<void> {
    const secrets = await harness.kube.core.listNamespacedSecret({ namespace });
    expect(secrets.items.filter((secret) => secret.type === TOKEN_TYPE).map((secret) => secret.metadata?.name)).toEqual([]);
    const bindings = await harness.kube.rbac.listNamespacedRoleBinding({ namespace });
    expect(bindings.items.map((binding) => binding.metadata?.name)).toEqual(['participant-edit']);
    const clusterBindings = await harness.kube.rbac.listClusterRoleBinding();
    expect(clusterBindings.items.filter((binding) => binding.metadata?.name?.startsWith('mint-'))).toEqual([]);
  }

  it('refuses every encoding of a token Secret, a RoleBinding or a TokenRequest through the gateway', async () => {
    const gateway = viaGateway(learn.gatewayToken);
    await fc.assert(
      fc.asyncProperty(writeCase, async ({ write }) => {
        const answer = await gateway(write.method, write.path(learn.namespace), {
          contentType: write.contentType,
          body: write.body(learn.namespace),
        });
        expect([403, 415], `${write.label}: ${answer.status} ${answer.text}`).toContain(answer.status);
        expect(answer.text).toContain('"kind":"Status"');
      }),
      { numRuns: RUNS },
    );
    await assertNothingMinted(learn.namespace);
    // Ordinary writes in the same encodings still work: the refusals are about what the write means.
    const opaque = await gateway('POST', secretsPath(learn.namespace), {
      contentType: 'application/yaml',
      body: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: notes\ntype: Opaque\nstringData:\n  about: "kubernetes.io\\x2Fservice-account-token is refused"\n',
    });
    expect(opaque.status, opaque.text).toBe(201);
  }, 300_000);

  it('the sandbox itself refuses them to the participant account, without the gateway', async () => {
    const { token } = await issueParticipantToken(harness.kube, learn.namespace, 600);
    const direct = (method: string, path: string, options?: Parameters<typeof send>[5]) =>
      send(harness.kube.server, harness.kube.caData, token, method, path, options);
    await fc.assert(
      fc.asyncProperty(writeCase, async ({ write }) => {
        const answer = await direct(write.method, write.path(learn.namespace), {
          contentType: write.contentType,
          body: write.body(learn.namespace),
        });
        // Forbidden by the admission policy or RBAC; a patch of the existing Secret may be refused first as invalid (its type is immutable).
        const allowed = write.path(learn.namespace).endsWith(`/${EXISTING}`) ? [403, 422] : [403];
        expect(allowed, `${write.label}: ${answer.status} ${answer.text}`).toContain(answer.status);
      }),
      { numRuns: RUNS },
    );
    await assertNothingMinted(learn.namespace);
    // What RBAC's edit role grants but the policy refuses: the refusal names the policy.
    const secret = await direct('POST', secretsPath(learn.namespace), {
      contentType: 'application/vnd.kubernetes.protobuf',
      body: protobufSecret('mint-protobuf', TOKEN_TYPE),
    });
    expect(secret.status, secret.text).toBe(403);
    expect(secret.text).toContain('sandbox-accounts-mint-no-credentials');
    const tokenRequest = await direct('POST', `/api/v1/namespaces/${learn.namespace}/serviceaccounts/participant/token`, {
      contentType: 'application/json',
      body: '{"spec":{}}',
    });
    expect(tokenRequest.status, tokenRequest.text).toBe(403);
    // The same account may still create an ordinary Secret, in protobuf too.
    const opaque = await direct('POST', secretsPath(learn.namespace), {
      contentType: 'application/vnd.kubernetes.protobuf',
      body: protobufSecret('plain-protobuf', 'Opaque'),
    });
    expect(opaque.status, opaque.text).toBe(201);
    // A pod running as the participant account would carry its token: refused too.
    const pod = await direct('POST', `/api/v1/namespaces/${learn.namespace}/pods`, {
      contentType: 'application/json',
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'borrow-token' },
        spec: { serviceAccountName: 'participant', containers: [{ name: 'c', image: 'busybox' }] },
      }),
    });
    expect(pod.status, pod.text).toBe(403);
    expect(pod.text).toContain('sandbox-pods-not-as-participant');
  }, 300_000);

  it('hides the sandbox API server address from discovery', async () => {
    const gateway = viaGateway(learn.gatewayToken);
    const sandboxHost = new URL(harness.kube.server).host;
    for (const path of ['/api', '/apis', '/apis/apps', '/api?timeout=32s']) {
      for (const accept of [
        'application/json',
        'application/yaml',
        'application/vnd.kubernetes.protobuf,application/json',
        'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      ]) {
        const answer = await gateway('GET', path, { accept });
        expect(answer.status, `${path} ${accept}: ${answer.text}`).toBe(200);
        expect(answer.text).not.toContain('serverAddress');
        expect(answer.text).not.toContain(sandboxHost);
      }
    }
  });

  it('applies and records a change with NUL and other control characters, in kube_requests and the replay', async () => {
    const gateway = viaGateway(learn.gatewayToken);
    const note = 'nul\u0000 bell\u0007 escape\u001b delete\u007f tab\t end';
    const patched = await gateway('PATCH', `/apis/apps/v1/namespaces/${learn.namespace}/deployments/catalog`, {
      contentType: 'application/merge-patch+json',
      body: JSON.stringify({ metadata: { annotations: { note } } }),
    });
    expect(patched.status, patched.text).toBe(200);
    const created = await gateway('POST', `/api/v1/namespaces/${learn.namespace}/configmaps`, {
      contentType: 'application/yaml',
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: control-chars\ndata:\n  value: "a\\0b\\x07c\\x1b"\n',
    });
    expect(created.status, created.text).toBe(201);
    const deployment = await harness.kube.apps.readNamespacedDeployment({ name: 'catalog', namespace: learn.namespace });
    expect(deployment.metadata?.annotations?.note).toBe(note);
    const configMap = await harness.kube.core.readNamespacedConfigMap({ name: 'control-chars', namespace: learn.namespace });
    expect(configMap.data?.value).toBe('a\u0000b\u0007c\u001b');

    await expect
      .poll(
        async () => {
          const rows = await harness.database.db
            .select()
            .from(kubeRequests)
            .where(eq(kubeRequests.sessionId, learn.id))
            .orderBy(asc(kubeRequests.id));
          return rows
            .filter(
              (row) =>
                (row.resource === 'deployments' && row.name === 'catalog' && row.verb === 'patch') ||
                (row.resource === 'configmaps' && row.verb === 'create'),
            )
            .map((row) => JSON.stringify(row.change));
        },
        { timeout: 5000 },
      )
      .toEqual([expect.stringContaining('nul\\\\u0000 bell\\u0007'), expect.stringContaining('a\\\\u0000b\\u0007c')]);
    const events = await harness.database.db
      .select()
      .from(sessionEvents)
      .where(and(eq(sessionEvents.sessionId, learn.id), eq(sessionEvents.kind, 'kube')));
    const summaries = events.map((event) => event.summary);
    expect(summaries).toContainEqual(expect.stringMatching(/deployment\/catalog/));
    expect(summaries).toContainEqual('kubectl create configmap');
    const session = await harness.app.inject({
      method: 'GET',
      url: `/api/sessions/${learn.id}`,
      headers: { authorization: `Bearer ${learn.token}` },
    });
    const replay = session.json<{ events: { summary: string }[] }>().events.map((event) => event.summary);
    expect(replay).toContain('kubectl create configmap');
    expect(replay).toContainEqual(expect.stringMatching(/deployment\/catalog/));
  });

  describe('Challenge mode, with the fault injected', () => {
    let sessions: { id: string; gatewayToken: string; namespace: string }[];
    beforeAll(async () => {
      sessions = await Promise.all([runningChallenge('storefront-scaled-to-zero'), runningChallenge('catalog-network-policy-deny')]);
    }, 180_000);

    /** Every namespaced kind the participant can list, from the gateway's own discovery. */
    async function listablePaths(gateway: ReturnType<typeof viaGateway>, namespace: string): Promise<string[]> {
      const versions = [{ prefix: '/api/v1', path: '/api/v1' }];
      const groups = JSON.parse((await gateway('GET', '/apis', { accept: 'application/json' })).text) as {
        groups: { preferredVersion: { groupVersion: string } }[];
      };
      for (const group of groups.groups)
        versions.push({ prefix: `/apis/${group.preferredVersion.groupVersion}`, path: `/apis/${group.preferredVersion.groupVersion}` });
      const paths: string[] = [];
      for (const version of versions) {
        const list = JSON.parse((await gateway('GET', version.path, { accept: 'application/json' })).text) as {
          resources: { name: string; namespaced: boolean; verbs: string[] }[];
        };
        for (const resource of list.resources) {
          if (resource.namespaced && !resource.name.includes('/') && resource.verbs.includes('list'))
            paths.push(`${version.prefix}/namespaces/${namespace}/${resource.name}`);
        }
      }
      return paths;
    }

    const REPRESENTATIONS = {
      json: 'application/json',
      yaml: 'application/yaml',
      table: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      tableYaml: 'application/yaml;as=Table;v=v1;g=meta.k8s.io',
      protobufOrJson: 'application/vnd.kubernetes.protobuf,application/json',
    };
    /**
     * The engine's name, the fault API group, the word fault (not inside "default"), or the load generator (the
     * measurement: its objects, pods and the events about them, kubectl get events included). The systems' images are
     * named localhost/failurelib/<image>:local (built here), which every sandbox shows whatever its scenario: not a mark.
     */
    const MARK = /failurelib(?!\/[a-z0-9-]+:local\b)|chaos-mesh|(?<!de)fault|load-generator/i;

    it('shows no engine or fault mark in JSON, YAML, Table, watch or managed fields of any kind', async () => {
      for (const session of sessions) {
        const gateway = viaGateway(session.gatewayToken);
        const paths = await listablePaths(gateway, session.namespace);
        expect(paths).toContainEqual(expect.stringMatching(/\/deployments$/));
        let objects = 0;
        let listed = 0;
        for (const path of [...paths, `/api/v1/namespaces/${session.namespace}`]) {
          const first = await gateway('GET', path, { accept: 'application/json' });
          expect(first.text, path).not.toMatch(MARK);
          // Kinds the participant's role cannot read (leases, …) answer 403: nothing to leak there.
          if (first.status === 403) continue;
          listed += 1;
          for (const [name, accept] of Object.entries(REPRESENTATIONS)) {
            const answer = await gateway('GET', path, { accept });
            expect(answer.status, `${path} as ${name}: ${answer.text}`).toBe(200);
            expect(answer.contentType, `${path} as ${name}`).toMatch(
              name.toLowerCase().includes('yaml') ? /^application\/yaml/ : /^application\/json/,
            );
            expect(answer.text, `${path} as ${name}`).not.toMatch(MARK);
          }
          const refused = await gateway('GET', path, { accept: 'application/vnd.kubernetes.protobuf' });
          expect(refused.status, `${path} as protobuf only`).toBe(406);
          const watched = await gateway('GET', `${path}?watch=1&resourceVersion=0&timeoutSeconds=1`, { accept: 'application/json' });
          expect(watched.status, `${path} watch: ${watched.text}`).toBe(200);
          expect(watched.text, `${path} watch`).not.toMatch(MARK);
          const list = JSON.parse(first.text) as { items?: { metadata: { name: string } }[] };
          for (const item of list.items ?? []) {
            objects += 1;
            const one = await gateway('GET', `${path}/${item.metadata.name}`, { accept: REPRESENTATIONS.yaml });
            expect(one.status, `${path}/${item.metadata.name}: ${one.text}`).toBe(200);
            expect(one.text, `${path}/${item.metadata.name}`).not.toMatch(MARK);
          }
        }
        expect(listed).toBeGreaterThan(15);
        expect(objects).toBeGreaterThan(5);
      }
    }, 300_000);

    it('shows the change in managedFields under a story-true manager, never the engine', async () => {
      const [scaled, denied] = sessions as [(typeof sessions)[0], (typeof sessions)[0]];
      const deployment = JSON.parse(
        (await viaGateway(scaled.gatewayToken)('GET', `/apis/apps/v1/namespaces/${scaled.namespace}/deployments/storefront`)).text,
      ) as { spec: { replicas: number }; metadata: { managedFields: { manager: string; fieldsV1: unknown }[] } };
      expect(deployment.spec.replicas).toBe(0);
      const managers = deployment.metadata.managedFields.map((entry) => entry.manager);
      expect(managers).toContain('helm');
      expect(managers).toContain('replica-cleanup-job');
      const byFault = deployment.metadata.managedFields.find((entry) => entry.manager === 'replica-cleanup-job');
      expect(JSON.stringify(byFault?.fieldsV1)).toContain('f:replicas');
      const policies = JSON.parse(
        (await viaGateway(denied.gatewayToken)('GET', `/apis/networking.k8s.io/v1/namespaces/${denied.namespace}/networkpolicies`)).text,
      ) as { items: { metadata: { managedFields: { manager: string }[] } }[] };
      expect(policies.items.flatMap((policy) => policy.metadata.managedFields.map((entry) => entry.manager))).toContain(
        'kubectl-client-side-apply',
      );
    });
  });

  it('answers failed token checks with 429 after a burst from one address, and still lets valid tokens in', async () => {
    const forged = viaGateway('A'.repeat(43));
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 25; attempt += 1)
      statuses.push((await forged('GET', `/api/v1/namespaces/${learn.namespace}/pods`)).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
    const valid = await viaGateway(learn.gatewayToken)('GET', `/api/v1/namespaces/${learn.namespace}/pods`);
    expect(valid.status).toBe(200);
  });
});
