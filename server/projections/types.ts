import type { ConsumerDefinition } from '@/server/readside/consumer';

/** A read model: a consumer whose rows and checkpoint live in the read database. */
export interface ProjectionDefinition extends ConsumerDefinition {
  kind: 'projection';
  database: 'read';
}
