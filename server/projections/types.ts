import type { Tx } from '@/db/client';
import type { ProjectedEvent } from '@/server/domain/events';
import type { ConsumerDefinition } from '@/server/readside/consumer';

/**
 * A read model: a consumer whose rows and checkpoint live in the read database. It is given events
 * without their metadata (who asked, correlation, causation): a read model is made of what happened,
 * and a rebuild then reads and parses a smaller log (server/readside/rebuild.ts).
 */
export interface ProjectionDefinition extends ConsumerDefinition {
  kind: 'projection';
  database: 'read';
  /** A property, not a method: checked strictly, so a projection cannot declare that it takes metadata. */
  applyBatch: (tx: Tx, events: ProjectedEvent[]) => Promise<void>;
}
