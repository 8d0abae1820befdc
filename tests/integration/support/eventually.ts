/**
 * Waits for state that changes with no notification to wait on (a worker's heartbeat in Redis, a
 * service coming back after a restart): re-checks every `everyMs` until `check` holds, and fails
 * after `timeoutMs` naming what it waited for. Where a NOTIFY exists, use `waitUntil` in readside.ts.
 */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs?: number; everyMs?: number } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 100));
  }
}
