// travel-logic price-indexer: every INDEX_INTERVAL_SECONDS rewrites the indexed flight prices in PostgreSQL.
// Off the booking path: nothing calls it; its HTTP server only answers probes and /metrics.
import { numberEnv } from '../runtime/env.ts';
import { errorText, log } from '../runtime/log.ts';
import { runService } from '../runtime/server.ts';
import { CITIES, stableFraction } from '../runtime/travel-data.ts';
import { travelDatabase } from '../runtime/travel-database.ts';

const db = travelDatabase(
  'create table if not exists prices (route text primary key, price integer not null, indexed_at timestamptz not null)',
);
const intervalMs = numberEnv('INDEX_INTERVAL_SECONDS', 30) * 1000;

async function indexPrices(): Promise<void> {
  const hour = new Date().toISOString().slice(0, 13);
  const rows = CITIES.flatMap((from) =>
    CITIES.filter((to) => to !== from).map((to) => ({
      route: `${from}-${to}`,
      price: Math.round(80 + stableFraction(`${from}${to}${hour}`) * 400),
    })),
  );
  try {
    const sql = await db.sql();
    await sql`insert into prices ${sql(rows.map((r) => ({ ...r, indexed_at: new Date() })))} on conflict (route) do update set price = excluded.price, indexed_at = excluded.indexed_at`;
    log('info', `indexed ${rows.length} routes`);
  } catch (error) {
    log('error', 'indexing failed', { error: errorText(error) });
  }
}

await runService({ name: 'price-indexer', routes: [] });
void indexPrices();
setInterval(() => void indexPrices(), intervalMs);
