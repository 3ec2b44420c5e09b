// A minimal Postgres wire-protocol client for tests that need to pause between protocol messages (a real
// driver sends them back to back): startup, Parse+Describe+Flush, then Bind+Execute+Sync on demand.
import { connect, type Socket } from 'node:net';

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const cstring = (s: string) => Buffer.from(`${s}\0`, 'utf8');
const message = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
};

interface Reply {
  type: string;
  body: Buffer;
}

export interface RawClient {
  parseAndDescribe(statement: string, sql: string): Promise<void>;
  /** Runs the statement with text parameters; the first column of each row, as text. */
  bindExecuteSync(statement: string, params: string[]): Promise<string[]>;
  close(): void;
}

export async function openRawClient(url: string): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffer = Buffer.alloc(0);
  const replies: Reply[] = [];
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 5 && buffer.length >= 1 + buffer.readInt32BE(1)) {
      const length = 1 + buffer.readInt32BE(1);
      replies.push({ type: String.fromCharCode(buffer[0] ?? 0), body: buffer.subarray(5, length) });
      buffer = buffer.subarray(length);
    }
    wake?.();
  });
  /** Collects replies until one of `until` arrives; an ErrorResponse fails. */
  const readUntil = async (until: string[]): Promise<Reply[]> => {
    const seen: Reply[] = [];
    for (;;) {
      const reply = replies.shift();
      if (!reply) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (reply.type === 'E') throw new Error(`server error: ${reply.body.toString('utf8').replaceAll('\0', ' ')}`);
      seen.push(reply);
      if (until.includes(reply.type)) return seen;
    }
  };

  const startup = Buffer.concat([
    int32(196608),
    cstring('user'),
    cstring('postgres'),
    cstring('database'),
    cstring('postgres'),
    Buffer.from([0]),
  ]);
  socket.write(Buffer.concat([int32(startup.length + 4), startup]));
  await readUntil(['Z']);

  return {
    async parseAndDescribe(statement, sql) {
      socket.write(
        Buffer.concat([
          message('P', cstring(statement), cstring(sql), int16(0)),
          message('D', Buffer.from('S'), cstring(statement)),
          message('H'),
        ]),
      );
      await readUntil(['T', 'n']);
    },
    async bindExecuteSync(statement, params) {
      const values = params.flatMap((param) => {
        const bytes = Buffer.from(param, 'utf8');
        return [int32(bytes.length), bytes];
      });
      socket.write(
        Buffer.concat([
          message('B', cstring(''), cstring(statement), int16(0), int16(params.length), ...values, int16(0)),
          message('E', cstring(''), int32(0)),
          message('S'),
        ]),
      );
      const rows = (await readUntil(['Z'])).filter((reply) => reply.type === 'D');
      return rows.map((row) => {
        const length = row.body.readInt32BE(2);
        return row.body.subarray(6, 6 + length).toString('utf8');
      });
    },
    close: () => {
      socket.end(message('X'));
    },
  };
}
