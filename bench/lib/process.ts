import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child started with `detached: true` (its own process group), children included:
 * SIGTERM to the group, SIGKILL after `graceMs` if it is still there; resolves once it has exited.
 */
export async function stopGroup(c: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  if (!c || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-c.pid!, s);
    } catch {
      /* gone */
    }
  };
  signal('SIGTERM');
  const killer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(killer);
}
