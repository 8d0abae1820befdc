import type { Db } from '@/db/client';

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

export interface CommandDeps { db: Db }

export interface CommandResult { position: number }
