import { Socket } from 'node:net';

/**
 * The socket that writes `marker` while `send` runs (a query carrying it in its text, on a pool of one
 * connection): to count one connection's writes alone, apart from what other clients of the process
 * (a listener, Redis, another pool) happen to send meanwhile.
 */
export async function socketWriting(marker: string, send: () => Promise<unknown>): Promise<Socket> {
  const found: Socket[] = [];
  const restore = onSocketWrite((socket, chunk) => {
    if ((typeof chunk === 'string' || Buffer.isBuffer(chunk)) && chunk.includes(marker)) found.push(socket);
  });
  try {
    await send();
  } finally {
    restore();
  }
  if (!found[0]) throw new Error(`no socket wrote ${marker}`);
  return found[0];
}

/**
 * Counts writes to every socket of this process (or to `only`) until `restore()`: the round trips of a database
 * client, since postgres.js sends what it has in one tick in one write, then waits for the answer.
 * Shared by bench/commands.ts (its round-trip profile) and tests/integration/command-round-trips.test.ts.
 */
export function countSocketWrites(only?: Socket): { readonly writes: number; reset(): void; restore(): void } {
  let writes = 0;
  const restore = onSocketWrite((socket) => {
    if (!only || socket === only) writes++;
  });
  return {
    get writes() {
      return writes;
    },
    reset: () => {
      writes = 0;
    },
    restore,
  };
}

/** Calls `seen` with the socket and first argument of every socket write of this process, until the returned restore. */
function onSocketWrite(seen: (socket: Socket, chunk: unknown) => void): () => void {
  const original = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    seen(this, args[0]);
    return original.apply(this, args);
  } as Socket['write'];
  return () => {
    Socket.prototype.write = original;
  };
}
