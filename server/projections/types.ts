import type { Tx } from '@/db/client';
import type { EventType, StoredEvent } from '@/server/domain/events';

/**
 * A read model, as data. The runner owns checkpoints, batching, retries, dead letters and rebuilds;
 * a projection holds only its own SQL. `applyBatch` receives events in log order and must use
 * unqualified table names: rebuilds run it against shadow tables through the search_path.
 */
export interface ProjectionDefinition {
  name: string;
  version: number;
  handles: readonly EventType[];
  /** The tables it owns: copied, rebuilt and swapped together. */
  tables: readonly string[];
  /** What a poison event does once its retries are spent: stop the projection, or park the event. */
  onError: 'halt' | 'dead-letter';
  applyBatch(tx: Tx, events: StoredEvent[]): Promise<void>;
}
