import type { DbHandle } from '@/db/client';

/** Who asked and why: copied into every event's metadata. */
export interface CommandContext {
  actor: string;
  commandId?: string;
  correlationId?: string;
  causationId?: string | null;
  traceparent?: string;
  /** The clock; injected so demo history and tests can run in the past. */
  now?: () => Date;
}

/** A command needs only the write database (`services.write`, or `{ write: { db } }`). */
export interface CommandDeps {
  write: Pick<DbHandle, 'db'>;
}

export interface CommandResult {
  position: number;
}
