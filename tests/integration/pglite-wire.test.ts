// The embedded database serves one PGlite to many Postgres clients (the API, the worker, the tests):
// their queries must not clobber each other and a transaction must stay one client's own.
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { openRawClient } from '../support/raw-postgres-client.ts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../infra/db/pglite-server.ts';
import { freePort } from '../../infra/lib/ports.ts';

type Sql = ReturnType<typeof postgres>;

// Named statements are what db/client.ts uses; unnamed ones are what other tools (and older clients) send.
describe.each([{ prepare: true }, { prepare: false }])(
  'PGlite over the wire, shared by several clients (prepare: $prepare)',
  ({ prepare }) => {
    let database: EmbeddedDatabase;
    let clients: Sql[] = [];
    const connect = () => {
      // One connection per client so clients really interleave.
      const sql = postgres(database.url, { max: 1, prepare, onnotice: () => {}, connect_timeout: 10 });
      clients.push(sql);
      return sql;
    };
    // postgres.js sends a query only once it is awaited or executed: .execute() sends it now.
    const names = async (sql: Sql) => (await sql<{ name: string }[]>`select name from ledger order by name`).map((row) => row.name);

    beforeAll(async () => {
      database = await startEmbeddedDatabase({ port: await freePort() });
    });
    afterAll(async () => database?.stop());
    beforeEach(async () => {
      const sql = connect();
      await sql`drop table if exists ledger`;
      await sql`create table ledger (name text primary key, amount int not null)`;
    });
    afterEach(async () => {
      await Promise.all(clients.map((sql) => sql.end({ timeout: 1 })));
      clients = [];
    });

    it('answers each client its own parameterised query when they interleave', async () => {
      const [a, b, c] = [connect(), connect(), connect()];
      const asks = [a, b, c].flatMap((sql, client) => Array.from({ length: 30 }, (_, i) => ({ sql, client, i })));
      const answers = await Promise.all(
        asks.map(async ({ sql, client, i }) => {
          const [row] = await sql<
            { sum: number; who: string }[]
          >`select ${i}::int + ${client * 1000}::int as sum, ${`client-${client}`}::text as who`;
          return { expected: { sum: i + client * 1000, who: `client-${client}` }, actual: row };
        }),
      );
      for (const { expected, actual } of answers) expect(actual).toEqual(expected);
    });

    it("keeps another client's write out of an open transaction", async () => {
      const [a, b] = [connect(), connect()];
      await a`insert into ledger values ('opening', 100)`;
      let outsideWrite: Promise<unknown> | undefined;
      let outsideDone = false;
      const seenInside = await a.begin(async (tx) => {
        await tx`insert into ledger values ('a-1', 10)`;
        outsideWrite = b`insert into ledger values ('b-1', 20)`.then(() => {
          outsideDone = true;
        });
        await sleep(300);
        const [first] = await tx<{ total: number }[]>`select sum(amount)::int as total from ledger`;
        await tx`insert into ledger values ('a-2', ${first!.total})`;
        const [second] = await tx<{ total: number; rows: number }[]>`select sum(amount)::int as total, count(*)::int as rows from ledger`;
        return { first: first!.total, second, outsideDoneInside: outsideDone };
      });
      await outsideWrite;
      expect(seenInside.first).toBe(110);
      expect(seenInside.second).toEqual({ total: 220, rows: 3 });
      expect(seenInside.outsideDoneInside).toBe(false);
      expect(await names(b)).toEqual(['a-1', 'a-2', 'b-1', 'opening']);
    });

    it("rolls back only the transaction's own writes", async () => {
      const [a, b] = [connect(), connect()];
      await a`insert into ledger values ('opening', 100)`;
      let outsideWrite: Promise<unknown> | undefined;
      await expect(
        a.begin(async (tx) => {
          await tx`insert into ledger values ('a-doomed', 1)`;
          outsideWrite = b`insert into ledger values ('b-kept', 2)`.execute();
          await sleep(200);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await outsideWrite;
      expect(await names(a)).toEqual(['b-kept', 'opening']);
    });

    it('recovers from a failed statement inside a transaction without stalling the others', async () => {
      const [a, b] = [connect(), connect()];
      const failing = a.begin(async (tx) => {
        await tx`insert into ledger values ('a-1', 1)`;
        await tx`insert into ledger values ('a-1', 2)`;
      });
      await expect(failing).rejects.toThrow(/duplicate key/);
      await b`insert into ledger values ('b-1', 1)`;
      expect(await names(a)).toEqual(['b-1']);
    });

    it('does not let a client that vanished mid-transaction hold the database', async () => {
      const [a, b] = [connect(), connect()];
      const reserved = await a.reserve();
      await reserved`begin`;
      await reserved`insert into ledger values ('left-behind', 1)`;
      reserved.release();
      await a.end({ timeout: 0 });
      const write = b`insert into ledger values ('b-1', 1)`;
      await expect(Promise.race([write.then(() => 'written'), sleep(5000).then(() => 'stuck')])).resolves.toBe('written');
      expect(await names(b)).toEqual(['b-1']);
    });

    it('frees the named statements of a client that leaves', async () => {
      const [a, b] = [connect(), connect()];
      for (let i = 0; i < 5; i += 1) await a`select ${i}::int as n, ${'x'}::text as label`;
      const statements = async () => (await b<{ n: number }[]>`select count(*)::int as n from pg_prepared_statements`)[0]!.n;
      const whileConnected = await statements();
      await a.end({ timeout: 1 });
      await sleep(200);
      const afterLeaving = await statements();
      // The session is shared: b's own statements count too, a's are gone.
      if (prepare) expect(whileConnected - afterLeaving).toBeGreaterThanOrEqual(1);
      else expect(afterLeaving).toBe(whileConnected);
    });
  },
);

describe('PGlite over the wire: a slow client between describe and execute', () => {
  let database: EmbeddedDatabase;
  beforeAll(async () => {
    database = await startEmbeddedDatabase({ port: await freePort() });
  });
  afterAll(async () => database?.stop());

  const timeOtherClient = async () => {
    const other = postgres(database.url, { max: 1, prepare: true, onnotice: () => {}, connect_timeout: 10 });
    const started = performance.now();
    await other`select ${1}::int as one`;
    const ms = performance.now() - started;
    await other.end({ timeout: 1 });
    return ms;
  };

  it('does not hold the others while it thinks about a named statement', async () => {
    const slow = await openRawClient(database.url);
    await slow.parseAndDescribe('slow_1', 'select $1::int + 1 as n');
    // The slow client now waits 1.5 s before Bind/Execute; a named statement cannot be clobbered meanwhile.
    const otherMs = await timeOtherClient();
    await sleep(1500 - otherMs);
    expect(await slow.bindExecuteSync('slow_1', ['41'])).toEqual(['42']);
    expect(otherMs).toBeLessThan(1000);
    slow.close();
  });

  it('keeps the session for it while it holds an unnamed statement, and its answer is its own', async () => {
    const slow = await openRawClient(database.url);
    await slow.parseAndDescribe('', 'select $1::int + 1 as n');
    const other = timeOtherClient();
    await sleep(700);
    expect(await slow.bindExecuteSync('', ['41'])).toEqual(['42']);
    expect(await other).toBeGreaterThanOrEqual(600);
    slow.close();
  });
});
