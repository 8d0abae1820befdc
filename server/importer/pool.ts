/**
 * One unit of work. Tasks with the same `key` run one after another, in the order given; a
 * `barrier` task runs alone, after every task before it and before any task after it.
 */
export interface PoolTask {
  key?: string;
  barrier?: boolean;
  run(): Promise<void>;
}

/**
 * Runs tasks with at most `concurrency` in flight, taking them lazily from a (possibly async)
 * iterable. The first failure stops new tasks from starting; the ones in flight finish, then the
 * failure is thrown.
 */
export async function runPool(tasks: Iterable<PoolTask> | AsyncIterable<PoolTask>, concurrency: number): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const lanes = new Map<string, Promise<void>>();
  let failure: { error: unknown } | null = null;
  for await (const task of tasks) {
    while (inFlight.size >= (task.barrier ? 1 : concurrency)) await Promise.race(inFlight);
    if (failure) break;
    if (task.barrier) {
      try {
        await task.run();
      } catch (error) {
        failure = { error };
        break;
      }
      continue;
    }
    const before = task.key ? lanes.get(task.key) : undefined;
    const done: Promise<void> = (async () => {
      if (before) await before;
      if (!failure) await task.run();
    })().catch((error: unknown) => {
      failure ??= { error };
    });
    inFlight.add(done);
    void done.then(() => {
      inFlight.delete(done);
      if (task.key && lanes.get(task.key) === done) lanes.delete(task.key);
    });
    if (task.key) lanes.set(task.key, done);
  }
  await Promise.all(inFlight);
  if (failure) throw (failure as { error: unknown }).error;
}
