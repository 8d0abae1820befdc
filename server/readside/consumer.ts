import type { Tx } from '@/db/client';
import type { EventType, StoredEvent } from '@/server/domain/events';

/**
 * Which database a consumer's rows and checkpoint live in; they commit in one transaction there.
 * Read models live in the read database. A process manager lives in the write database, because
 * the commands it issues must commit with its checkpoint.
 */
export type ConsumerDatabase = 'read' | 'write';

/**
 * A consumer of the event log, as data. The runner owns checkpoints, batching, retries, dead
 * letters and rebuilds; a consumer holds only its own SQL. `applyBatch` receives events in log
 * order and must use unqualified table names: rebuilds run it against shadow tables through the
 * search_path.
 */
export interface ConsumerDefinition {
  /** A read model (`projection`) or a process manager, which reacts to events by issuing commands. */
  kind: 'projection' | 'process-manager';
  database: ConsumerDatabase;
  name: string;
  version: number;
  handles: readonly EventType[];
  /** The tables it owns: copied, rebuilt and swapped together. */
  tables: readonly string[];
  /**
   * What a poison event does once its retries are spent: stop the consumer (`halt`), park the
   * event and go on (`dead-letter`), or park it with every later event of its stream, in order,
   * while other streams go on (`park-stream`: a row never skips an event of its stream).
   */
  onError: 'halt' | 'dead-letter' | 'park-stream';
  applyBatch(tx: Tx, events: StoredEvent[]): Promise<void>;
}
