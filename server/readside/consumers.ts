import type { BothDbDeps } from '@/server/deps';
import type { DbHandle } from '@/db/client';
import type { Logger } from '@/server/log';
import { projections } from '@/server/projections/registry';
import type { ConsumerDatabase, ConsumerDefinition } from './consumer';
import { ProjectionRunner, type RunnerOptions } from './projection-runner';

/** A consumer of the log with the runner that applies it and the database it declares. */
export interface Consumer {
  def: ConsumerDefinition;
  runner: ProjectionRunner;
  db: DbHandle;
}

export interface ConsumerSet {
  runners: ProjectionRunner[];
  consumers: Consumer[];
  byName: Map<string, Consumer>;
}

/** One runner per database the consumers declare; every runner reads the log from the write database. */
export function buildConsumers(
  s: BothDbDeps,
  log: Logger,
  opts: { projections?: ConsumerDefinition[]; processManagers?: ConsumerDefinition[]; runner?: RunnerOptions } = {},
): ConsumerSet {
  const defs = [...(opts.projections ?? projections), ...(opts.processManagers ?? [])];
  const handles: Record<ConsumerDatabase, DbHandle> = { read: s.read, write: s.write };
  const runners: ProjectionRunner[] = [];
  const consumers: Consumer[] = [];
  for (const database of ['read', 'write'] as const) {
    const mine = defs.filter((d) => d.database === database);
    if (mine.length === 0) continue;
    const runner = new ProjectionRunner(s.write, handles[database], mine, log, opts.runner);
    runners.push(runner);
    for (const def of mine) consumers.push({ def, runner, db: handles[database] });
  }
  return { runners, consumers, byName: new Map(consumers.map((c) => [c.def.name, c])) };
}
