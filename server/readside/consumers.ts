import type { Services } from '@/server/services';
import type { Logger } from '@/server/log';
import { projections } from '@/server/projections/registry';
import type { ProjectionDefinition } from '@/server/projections/types';
import { ProjectionRunner, type RunnerOptions } from './projection-runner';

/** A consumer of the log: a read-model projection (read database) or a process manager (write database). */
export interface Consumer { def: ProjectionDefinition; runner: ProjectionRunner }

export interface ConsumerSet { runners: ProjectionRunner[]; consumers: Consumer[]; byName: Map<string, Consumer> }

export function buildConsumers(s: Services, log: Logger, opts: { projections?: ProjectionDefinition[]; writeSide?: ProjectionDefinition[]; runner?: RunnerOptions } = {}): ConsumerSet {
  const readRunner = new ProjectionRunner(s.write, s.read, opts.projections ?? projections, log, opts.runner);
  const writeDefs = opts.writeSide ?? [];
  const runners = [readRunner];
  if (writeDefs.length) runners.push(new ProjectionRunner(s.write, s.write, writeDefs, log, opts.runner));
  const consumers = runners.flatMap((runner) => runner.definitions.map((def) => ({ def, runner })));
  return { runners, consumers, byName: new Map(consumers.map((c) => [c.def.name, c])) };
}
