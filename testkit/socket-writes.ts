import { Socket } from 'node:net';

/**
 * Counts writes to every socket of this process until `restore()`: the round trips of a database
 * client, since postgres.js sends what it has in one tick in one write, then waits for the answer.
 * Shared by bench/commands.ts (its round-trip profile) and tests/integration/command-round-trips.test.ts.
 */
export function countSocketWrites(): { readonly writes: number; reset(): void; restore(): void } {
  let writes = 0;
  const original = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    writes++;
    return original.apply(this, args);
  } as Socket['write'];
  return {
    get writes() {
      return writes;
    },
    reset: () => {
      writes = 0;
    },
    restore: () => {
      Socket.prototype.write = original;
    },
  };
}
