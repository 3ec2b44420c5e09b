// Redis through ioredis. Commands fail at once while Redis is unreachable (no offline queue), with the
// connection's real error (`connect ECONNREFUSED 10.96.0.20:6379`); ioredis reconnects in the background.
import { Redis } from 'ioredis';
import { errorText, log } from './log.ts';
import { HttpError } from './server.ts';

export function redis(url: string): { run<T>(command: (client: Redis) => Promise<T>): Promise<T> } {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => 500 });
  let lastError: string | undefined;
  client.on('ready', () => {
    lastError = undefined;
    log('info', `connected to Redis ${url}`);
  });
  client.on('close', () => {
    lastError ??= 'connection closed';
  });
  client.on('error', (error: Error) => {
    const text = errorText(error);
    if (text !== lastError) log('warn', `Redis ${url} unavailable`, { error: text });
    lastError = text;
  });
  return {
    async run(command) {
      if (client.status !== 'ready') throw new HttpError(503, `Redis ${url}: ${lastError ?? `connection ${client.status}`}`);
      try {
        return await command(client);
      } catch (error) {
        throw new HttpError(503, `Redis ${url}: ${errorText(error)}`);
      }
    },
  };
}
