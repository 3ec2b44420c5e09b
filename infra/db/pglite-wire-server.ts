// Serves one PGlite instance to many Postgres clients. PGlite runs one session, so client messages are
// run in whole protocol batches (up to Sync or a simple Query): pglite-socket's own multiplexer
// interleaves single messages, which lets two clients' unnamed statements clobber each other. A client
// inside a transaction keeps the database until it commits or rolls back.
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_V3 = 196608;
const SYNC = 'S'.charCodeAt(0);
const QUERY = 'Q'.charCodeAt(0);
const FLUSH = 'H'.charCodeAt(0);
const TERMINATE = 'X'.charCodeAt(0);

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
  private owner: number | undefined;
  private readonly db: PGlite;

  constructor(db: PGlite) {
    this.db = db;
  }

  push(batch: Batch): void {
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
  server.on('close', () => { for (const socket of sockets) socket.destroy(); });
  const close = server.close.bind(server);
  server.close = (callback) => { for (const socket of sockets) socket.destroy(); return close(callback); };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function handleClient(socket: Socket, client: number, queue: BatchQueue): void {
  socket.setNoDelay(true);
  let buffer = Buffer.alloc(0);
  let started = false;
  let collected: Buffer[] = [];
  let inFlight = Promise.resolve();

  const send = (bytes: Buffer, holdsSession = false) => {
    const payload = Buffer.from(bytes);
    inFlight = inFlight.then(() => new Promise<void>((done) => {
      queue.push({ client, holdsSession, bytes: payload, reply: (data) => { if (socket.writable) socket.write(data); }, done });
    }));
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
        if (code === SSL_REQUEST) { socket.write('N'); continue; }
        if (code === CANCEL_REQUEST) { socket.end(); return; }
        if (code === PROTOCOL_V3) { started = true; send(message); continue; }
        socket.destroy();
        return;
      }
      if (buffer.length < 5) return;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) return;
      const type = buffer[0] ?? 0;
      collected.push(buffer.subarray(0, length));
      buffer = buffer.subarray(length);
      if (type === TERMINATE) { socket.end(); return; }
      if (type === SYNC || type === QUERY || type === FLUSH) {
        send(Buffer.concat(collected), type === FLUSH);
        collected = [];
      }
    }
  });
  const leave = () => { void queue.release(client); };
  socket.on('close', leave);
  socket.on('error', leave);
}
