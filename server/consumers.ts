import type { ConsumerDefinition } from '@/server/readside/consumer';
import { projections } from '@/server/projections/registry';
import { orderSagaProcess } from '@/server/saga/process-manager';

/** Every consumer of the log a worker runs: the read models and the order saga's process manager. */
export const consumers: readonly ConsumerDefinition[] = [...projections, orderSagaProcess];

export const consumerNames = consumers.map((c) => c.name);

export const consumerNamed = (name: string): ConsumerDefinition | undefined => consumers.find((c) => c.name === name);
