// Serves one PGlite instance to many Postgres clients. PGlite runs one session, so client messages are
// run in whole protocol batches (up to Sync or a simple Query): pglite-socket's own multiplexer
// interleaves single messages, which lets two clients' unnamed statements clobber each other. A client
// inside a transaction keeps the database until it commits or rolls back, and so does a client that
// waits (Flush) between describing and running an unnamed statement. Named statements live in the one
// shared session, so they are freed when their client leaves.
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_V3 = 196608;
const SYNC = 'S'.charCodeAt(0);
const QUERY = 'Q'.charCodeAt(0);
const FLUSH = 'H'.charCodeAt(0);
const TERMINATE = 'X'.charCodeAt(0);
const PARSE = 'P'.charCodeAt(0);
const BIND = 'B'.charCodeAt(0);

interface Batch {
  client: number;
  /** Ended by Flush: the client waits for a reply mid-sequence and keeps the database until its Sync. */
  holdsSession: boolean;
  bytes: Uint8Array;
  reply: (data: Uint8Array) => void;
  done: () => void;
}

class BatchQueue {
  private readonly pending: Batch[] = [];
  private running = false;
  private closed = false;
  private owner: number | undefined;
  private readonly db: PGlite;

  constructor(db: PGlite) {
    this.db = db;
  }

  /** Runs a statement for a client through the queue (after any transaction in progress), ignoring its result. */
  runQuietly(client: number, statement: string): void {
    const body = Buffer.from(`${statement}\0`, 'utf8');
    const header = Buffer.alloc(5);
    header[0] = QUERY;
    header.writeInt32BE(body.length + 4, 1);
    this.push({ client, holdsSession: false, bytes: Buffer.concat([header, body]), reply: () => {}, done: () => {} });
  }

  /** The database is closing: nothing more runs (a leaving client's clean-up included). */
  close(): void {
    this.closed = true;
    this.pending.length = 0;
  }

  push(batch: Batch): void {
    if (this.closed) return;
    this.pending.push(batch);
    void this.drain();
  }

  /** A client that leaves mid-transaction must not hold the database. */
  async release(client: number): Promise<void> {
    for (let i = this.pending.length - 1; i >= 0; i -= 1) if (this.pending[i]?.client === client) this.pending.splice(i, 1);
    if (this.owner === client) {
      this.owner = undefined;
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => {});
      void this.drain();
    }
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner === undefined ? 0 : this.pending.findIndex((batch) => batch.client === this.owner);
        const batch = index >= 0 ? this.pending.splice(index, 1)[0] : undefined;
        if (!batch) break;
        await this.db.runExclusive(() => this.db.execProtocolRawStream(batch.bytes, { onRawData: batch.reply }));
        this.owner = batch.holdsSession || this.db.isInTransaction() ? batch.client : undefined;
        batch.done();
      }
    } finally {
      this.running = false;
    }
  }
}

export function servePglite(db: PGlite, { port, host = '127.0.0.1' }: { port: number; host?: string }): Promise<Server> {
  const queue = new BatchQueue(db);
  let nextClient = 1;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    handleClient(socket, nextClient++, queue);
  });
  // close() waits for clients to leave; a stopping database ends their connections instead.
  server.on('close', () => {
    queue.close();
    for (const socket of sockets) socket.destroy();
  });
  const close = server.close.bind(server);
  server.close = (callback) => {
    queue.close();
    for (const socket of sockets) socket.destroy();
    return close(callback);
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** The name a Parse message gives its statement ('' for the unnamed statement). */
function statementName(message: Buffer): string {
  const end = message.indexOf(0, 5);
  return message.subarray(5, end < 0 ? 5 : end).toString('utf8');
}

/**
 * Whether the client, having sent this batch ending in Flush, needs the session kept for its next batch:
 * only when the batch left an unnamed statement or a portal that another client's batch would replace.
 * postgres.js describes every new named statement this way, and holding the session across that round
 * trip made a busy client stall all others.
 */
function needsSessionAfterFlush(messages: readonly Buffer[]): boolean {
  return messages.some((message) => message[0] === BIND || (message[0] === PARSE && statementName(message) === ''));
}

function handleClient(socket: Socket, client: number, queue: BatchQueue): void {
  socket.setNoDelay(true);
  let buffer = Buffer.alloc(0);
  let started = false;
  let collected: Buffer[] = [];
  let inFlight = Promise.resolve();
  const namedStatements = new Set<string>();

  const send = (bytes: Buffer, holdsSession = false) => {
    const payload = Buffer.from(bytes);
    inFlight = inFlight.then(
      () =>
        new Promise<void>((done) => {
          queue.push({
            client,
            holdsSession,
            bytes: payload,
            reply: (data) => {
              if (socket.writable) socket.write(data);
            },
            done,
          });
        }),
    );
  };

  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (!started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        const code = buffer.readInt32BE(4);
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (code === SSL_REQUEST) {
          socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          socket.end();
          return;
        }
        if (code === PROTOCOL_V3) {
          started = true;
          send(message);
          continue;
        }
        socket.destroy();
        return;
      }
      if (buffer.length < 5) return;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) return;
      const type = buffer[0] ?? 0;
      const message = buffer.subarray(0, length);
      if (type === PARSE && statementName(message) !== '') namedStatements.add(statementName(message));
      collected.push(message);
      buffer = buffer.subarray(length);
      if (type === TERMINATE) {
        socket.end();
        return;
      }
      if (type === SYNC || type === QUERY || type === FLUSH) {
        send(Buffer.concat(collected), type === FLUSH && needsSessionAfterFlush(collected));
        collected = [];
      }
    }
  });
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    void queue.release(client).then(() => {
      for (const name of namedStatements) queue.runQuietly(client, `DEALLOCATE "${name.replaceAll('"', '""')}"`);
    });
  };
  socket.on('close', leave);
  socket.on('error', leave);
}
