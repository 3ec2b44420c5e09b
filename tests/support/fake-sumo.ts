// A local fake of the Sumo Logic API parts the Failure Library uses, built from the documented behaviour
// (shared/reference/sumo-logic-api.md): Basic auth, search jobs routed by cookie that expire when not
// polled, all values as strings, pendingErrors, 4 req/s and 10 in flight per key → 429, 301 for the
// wrong deployment, both error shapes, metrics queries, dashboards, users, roles, content permissions
// an HTTP logs source and an OTLP/HTTP source (what the telemetry collector's otlphttp exporter posts: binary
// protobuf or JSON, gzip or not, to <source URL>/v1/logs and /v1/metrics). It tracks what was created so tests can prove everything was deleted.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeLogs, decodeMetrics, type OtlpLogRecord, type OtlpMetricPoint } from './otlp-decode.ts';

interface Job {
  id: string;
  query: string;
  from: number;
  to: number;
  cookie: string;
  polls: number;
  lastPolled: number;
  errorsSent: boolean;
}
interface Resource {
  id: string;
  body: Record<string, unknown>;
}

export interface FakeSumoOptions {
  accessId?: string;
  accessKey?: string;
  /** Search jobs not polled for this long are gone (Sumo: ~20–30 s). */
  jobExpiryMs?: number;
  /** Polls a job spends GATHERING RESULTS before it is done. */
  gatherPolls?: number;
  perSecond?: number;
  maxInFlight?: number;
}

export interface FakeSumo {
  /** The right deployment's API base (…/api/); `wrongApiUrl` answers 301 to it. */
  apiUrl: string;
  wrongApiUrl: string;
  httpSourceUrl: string;
  /** An OTLP/HTTP source's URL (the exporter appends /v1/logs, /v1/metrics). */
  otlpUrl: string;
  uiUrl: string;
  accessId: string;
  accessKey: string;
  /** SLI value per namespace returned by log searches (`namespace`, `value` records) and metrics series. */
  values: Map<string, number>;
  /** Lines received by the HTTP source, with their headers. */
  lines: { line: string; category?: string; name?: string }[];
  /** Log records and metric points received by the OTLP/HTTP source. */
  otlpLogs: OtlpLogRecord[];
  otlpMetrics: OtlpMetricPoint[];
  stats: {
    requests: number;
    rejected429: number;
    maxStartsPerSecond: number;
    maxInFlight: number;
    searchJobsCreated: number;
    requestsByPath: Map<string, number>;
  };
  /** Resources created and not deleted. */
  live(): { searchJobs: number; dashboards: number; users: number; roles: number; permissions: number };
  created: { searchJobs: string[]; dashboards: Resource[]; users: Resource[]; roles: Resource[] };
  /** The next `count` API requests answer 429 (the source too when `source` is set). */
  throttleNext(count: number, source?: boolean): void;
  /** Metrics answers carry this `errors` member with a 200 until cleared. */
  metricsErrors: unknown;
  close(): Promise<void>;
}

const flat = (res: ServerResponse, status: number, code: string, message: string) =>
  json(res, status, { status, id: randomUUID().slice(0, 8).toUpperCase(), code, message });
const listed = (res: ServerResponse, status: number, code: string, message: string) =>
  json(res, status, { id: randomUUID().slice(0, 8).toUpperCase(), errors: [{ code, message }] });
function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
const readBody = async (req: IncomingMessage) => (await readRaw(req)).toString('utf8');

export async function startFakeSumo(options: FakeSumoOptions = {}): Promise<FakeSumo> {
  const accessId = options.accessId ?? 'suABCDEF';
  const accessKey = options.accessKey ?? 'secret-key-123';
  const jobExpiryMs = options.jobExpiryMs ?? 20_000;
  const gatherPolls = options.gatherPolls ?? 1;
  const perSecond = options.perSecond ?? 4;
  const maxInFlight = options.maxInFlight ?? 10;
  const jobs = new Map<string, Job>();
  const dashboards = new Map<string, Resource>();
  const users = new Map<string, Resource>();
  const roles = new Map<string, Resource>();
  const permissions = new Set<string>();
  const starts: number[] = [];
  let inFlight = 0;
  let forced429 = 0;
  let forcedSource429 = 0;
  const fake = {
    values: new Map<string, number>(),
    lines: [] as FakeSumo['lines'],
    otlpLogs: [] as OtlpLogRecord[],
    otlpMetrics: [] as OtlpMetricPoint[],
    metricsErrors: undefined as unknown,
    stats: {
      requests: 0,
      rejected429: 0,
      maxStartsPerSecond: 0,
      maxInFlight: 0,
      searchJobsCreated: 0,
      requestsByPath: new Map<string, number>(),
    },
    created: { searchJobs: [] as string[], dashboards: [] as Resource[], users: [] as Resource[], roles: [] as Resource[] },
  };
  /** Namespaces a rendered query selects: `namespace="a"`, or every known one matching `namespace="fl-*"`. */
  const namespacesIn = (query: string) =>
    [...query.matchAll(/namespace="?([a-z0-9-]+)(\*?)"?/g)].flatMap((m) =>
      m[2] ? [...fake.values.keys()].filter((ns) => ns.startsWith(m[1]!)) : [m[1]!],
    );
  const basic = `Basic ${Buffer.from(`${accessId}:${accessKey}`).toString('base64')}`;

  async function api(req: IncomingMessage, res: ServerResponse, path: string) {
    const now = Date.now();
    fake.stats.requests += 1;
    const route = `${req.method} ${path.replace(/\?.*/, '').replace(/\/(?=[^/]*\d)[0-9A-Za-z-]{6,}(?=\/|$)/g, '/:id')}`;
    fake.stats.requestsByPath.set(route, (fake.stats.requestsByPath.get(route) ?? 0) + 1);
    if (req.headers.authorization !== basic) return flat(res, 401, 'unauthorized', 'Credential could not be verified.');
    while (starts.length > 0 && starts[0]! <= now - 1000) starts.shift();
    if (forced429 > 0 || starts.length >= perSecond || inFlight >= maxInFlight) {
      forced429 = Math.max(0, forced429 - 1);
      fake.stats.rejected429 += 1;
      return flat(res, 429, 'rate.limit.exceeded', 'Rate limit exceeded.');
    }
    starts.push(now);
    fake.stats.maxStartsPerSecond = Math.max(fake.stats.maxStartsPerSecond, starts.length);
    inFlight += 1;
    fake.stats.maxInFlight = Math.max(fake.stats.maxInFlight, inFlight);
    try {
      const text = await readBody(req);
      await new Promise((resolve) => setTimeout(resolve, 5)); // a little server time, so in-flight is real
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      return path.startsWith('v1/search/jobs') ? searchJobs(req, res, path, body, now) : management(req, res, path, body);
    } finally {
      inFlight -= 1;
    }
  }

  function searchJobs(req: IncomingMessage, res: ServerResponse, path: string, body: Record<string, unknown>, now: number) {
    for (const job of jobs.values()) if (now - job.lastPolled > jobExpiryMs) jobs.delete(job.id);
    if (req.method === 'POST' && path === 'v1/search/jobs') {
      if (typeof body.query !== 'string' || !body.query.trim())
        return flat(res, 400, 'searchjob.no.query', 'No query parameter was provided.');
      if (typeof body.from !== 'number' && typeof body.from !== 'string')
        return flat(res, 400, 'searchjob.invalid.timestamp.from', 'The from field is invalid.');
      if (Number(body.to) < Number(body.from))
        return flat(res, 400, 'searchjob.invalid.timestamp.to.smaller.than.from', 'to is smaller than from.');
      if (jobs.size >= 200) return flat(res, 429, 'searchjob.jobs.limit', 'Too many active search jobs.');
      const id = randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase();
      const cookie = randomUUID();
      jobs.set(id, {
        id,
        query: body.query,
        from: Number(body.from),
        to: Number(body.to),
        cookie,
        polls: 0,
        lastPolled: now,
        errorsSent: false,
      });
      fake.stats.searchJobsCreated += 1;
      fake.created.searchJobs.push(id);
      return json(
        res,
        202,
        { id, link: { rel: 'self', href: `/api/v1/search/jobs/${id}` } },
        { location: `/api/v1/search/jobs/${id}`, 'set-cookie': `JSESSIONID=${cookie}; Path=/api; HttpOnly` },
      );
    }
    const [, , , id, sub] = path.split(/[/?]/);
    const job = jobs.get(id ?? '');
    if (!job) return flat(res, 404, 'jobid.invalid', 'The job ID is invalid.');
    if (!(req.headers.cookie ?? '').includes(`JSESSIONID=${job.cookie}`))
      return flat(res, 401, 'unauthorized', 'Search job calls must carry the cookies of the create call.');
    job.lastPolled = now;
    if (req.method === 'DELETE') {
      jobs.delete(job.id);
      return json(res, 200, { id: job.id });
    }
    const badQuery = job.query.includes('PARSE_ERROR');
    const rows = badQuery
      ? []
      : namespacesIn(job.query)
          .filter((ns) => fake.values.has(ns))
          .map((ns) => ({ map: { namespace: ns, value: String(fake.values.get(ns)) } }));
    if (sub === 'records') {
      const url = new URL(path, 'http://x/');
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 100), 10_000);
      return json(res, 200, {
        fields: [
          { name: 'namespace', fieldType: 'string' },
          { name: 'value', fieldType: 'double' },
        ],
        records: rows.slice(offset, offset + limit),
      });
    }
    job.polls += 1;
    const done = job.polls > gatherPolls;
    const pendingErrors = badQuery && !job.errorsSent ? ['Parse error: unexpected token in query.'] : [];
    if (pendingErrors.length > 0) job.errorsSent = true;
    return json(res, 200, {
      state: done || badQuery ? 'DONE GATHERING RESULTS' : 'GATHERING RESULTS',
      messageCount: 0,
      recordCount: done ? rows.length : 0,
      histogramBuckets: [],
      pendingErrors,
      pendingWarnings: [],
    });
  }

  function management(req: IncomingMessage, res: ServerResponse, path: string, body: Record<string, unknown>) {
    const collections: Record<string, Map<string, Resource>> = { 'v2/dashboards': dashboards, 'v1/users': users, 'v1/roles': roles };
    if (req.method === 'POST' && path === 'v1/metricsQueries') {
      const queries = (body.queries ?? []) as { rowId: string; query: string }[];
      const now = Date.now();
      return json(res, 200, {
        queryResult: queries.map((q) => ({
          rowId: q.rowId,
          timeSeriesList: {
            timeSeries: namespacesIn(q.query)
              .filter((ns) => fake.values.has(ns))
              .map((ns) => ({
                metricDefinition: { metric: 'sli', dimensions: { namespace: ns } },
                points: { timestamps: [now - 60_000, now - 30_000], values: [String(fake.values.get(ns)), String(fake.values.get(ns))] },
              })),
          },
        })),
        ...(fake.metricsErrors ? { errors: fake.metricsErrors } : {}),
      });
    }
    const permission = /^v2\/content\/([^/]+)\/permissions\/(add|remove)$/.exec(path);
    if (req.method === 'PUT' && permission) {
      const assignments = (body.contentPermissionAssignments ?? []) as { sourceId: string; permissionName: string }[];
      if (![...dashboards.values()].some((d) => d.body.contentId === permission[1]))
        return listed(res, 404, 'content:not_found', 'Content not found.');
      for (const a of assignments)
        (permission[2] === 'add' ? permissions.add.bind(permissions) : permissions.delete.bind(permissions))(
          `${permission[1]}:${a.sourceId}`,
        );
      return json(res, 200, {});
    }
    const match = /^(v2\/dashboards|v1\/users|v1\/roles)(?:\/([^/?]+))?$/.exec(path);
    const collection = match ? collections[match[1]!] : undefined;
    if (!match || !collection) return listed(res, 404, 'api:not_found', `No API at ${path}`);
    const kind = match[1]!.split('/')[1]!.replace(/s$/, '');
    if (req.method === 'POST' && !match[2]) {
      const missing = { dashboard: ['title', 'panels'], user: ['firstName', 'lastName', 'email', 'roleIds'], role: ['name'] }[kind]!.filter(
        (k) => body[k] === undefined,
      );
      if (missing.length > 0) return listed(res, 400, `${kind}:invalid`, `missing ${missing.join(', ')}`);
      const id = randomUUID().replaceAll('-', '').slice(0, 16);
      const resource = {
        id,
        body: { ...body, id, ...(kind === 'dashboard' ? { contentId: randomUUID().replaceAll('-', '').slice(0, 16) } : {}) },
      };
      collection.set(id, resource);
      (fake.created as unknown as Record<string, Resource[]>)[`${kind}s`]!.push(resource);
      return json(res, 200, resource.body);
    }
    const resource = collection.get(match[2] ?? '');
    if (!resource) return listed(res, 404, `${kind}:not_found`, `${kind} ${match[2]} not found`);
    if (req.method === 'GET') return json(res, 200, resource.body);
    if (req.method === 'DELETE') {
      if (kind === 'role' && [...users.values()].some((u) => (u.body.roleIds as string[]).includes(resource.id))) {
        return listed(res, 400, 'role:has_users', 'The role still has users assigned.');
      }
      collection.delete(resource.id);
      if (kind === 'dashboard')
        for (const p of [...permissions]) if (p.startsWith(`${String(resource.body.contentId)}:`)) permissions.delete(p);
      res.writeHead(204).end();
      return;
    }
    return listed(res, 405, 'api:method', `${req.method} not allowed`);
  }

  async function source(req: IncomingMessage, res: ServerResponse) {
    const text = await readBody(req);
    if (forcedSource429 > 0) {
      forcedSource429 -= 1;
      return flat(res, 429, 'rate.limit.exceeded', 'Rate limit exceeded.');
    }
    for (const line of text.split('\n').filter(Boolean)) {
      fake.lines.push({
        line,
        category: req.headers['x-sumo-category'] as string | undefined,
        name: req.headers['x-sumo-name'] as string | undefined,
      });
    }
    res.writeHead(200).end();
  }

  /** Sumo's OTLP/HTTP source: 200 with an empty Export…ServiceResponse in the request's encoding. */
  async function otlpSource(req: IncomingMessage, res: ServerResponse, signal: string) {
    const body = await readRaw(req);
    const type = req.headers['content-type'] ?? '';
    const encoding = req.headers['content-encoding'];
    try {
      if (signal === 'logs') fake.otlpLogs.push(...decodeLogs(body, type, encoding));
      else if (signal === 'metrics') fake.otlpMetrics.push(...decodeMetrics(body, type, encoding));
      else return listed(res, 404, 'not_found', signal);
    } catch (error) {
      return flat(res, 400, 'bad.request', `cannot read the OTLP payload: ${String(error)}`);
    }
    if (type.includes('json')) return json(res, 200, {});
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  }

  const server: Server = createServer((req, res) => {
    const otlp = /^\/receiver\/v1\/otlp\/[0-9a-f]+\/v1\/(\w+)$/.exec(req.url ?? '');
    const url = req.url ?? '/';
    const handle = url.startsWith('/api/')
      ? api(req, res, url.slice('/api/'.length))
      : url.startsWith('/us2/api/')
        ? Promise.resolve(
            json(
              res,
              301,
              { status: 301, code: 'moved', message: 'moved' },
              { location: `http://127.0.0.1:${port}/api/${url.slice('/us2/api/'.length)}` },
            ),
          )
        : url.startsWith('/receiver/v1/http/') && req.method === 'POST'
          ? source(req, res)
          : otlp && req.method === 'POST'
            ? otlpSource(req, res, otlp[1]!)
            : Promise.resolve(listed(res, 404, 'not_found', url));
    handle.catch((error: unknown) => {
      if (!res.headersSent) flat(res, 500, 'internal', String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    ...fake,
    apiUrl: `http://127.0.0.1:${port}/api/`,
    wrongApiUrl: `http://127.0.0.1:${port}/us2/api/`,
    httpSourceUrl: `http://127.0.0.1:${port}/receiver/v1/http/${randomUUID().replaceAll('-', '')}`,
    otlpUrl: `http://127.0.0.1:${port}/receiver/v1/otlp/${randomUUID().replaceAll('-', '')}`,
    uiUrl: `http://127.0.0.1:${port}/ui`,
    accessId,
    accessKey,
    get metricsErrors() {
      return fake.metricsErrors;
    },
    set metricsErrors(value: unknown) {
      fake.metricsErrors = value;
    },
    live: () => ({
      searchJobs: jobs.size,
      dashboards: dashboards.size,
      users: users.size,
      roles: roles.size,
      permissions: permissions.size,
    }),
    throttleNext(count: number, toSource = false) {
      if (toSource) forcedSource429 += count;
      else forced429 += count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
