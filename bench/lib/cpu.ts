/**
 * CPU time of the processes a benchmark drives, from /proc (Linux; the database and the worker run
 * on this machine). CPU seconds, unlike wall time, do not grow when other work shares the cores, so
 * "CPU per command" says what a command costs each part, however loaded the machine is.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const HZ = 100;

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces); null when the process is gone. */
function statFields(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** User plus system CPU seconds the processes have used so far (those still alive). */
export function cpuSeconds(pids: Iterable<number>): number {
  let ticks = 0;
  // After the name: state(0) ppid(1) pgrp(2) … utime(11) stime(12).
  for (const pid of pids) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / HZ;
}

/** Every live process in process group `pgid` (a child spawned `detached` and the processes it started). */
export function processGroup(pgid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const f = statFields(Number(d));
    if (f && Number(f[2]) === pgid) out.push(Number(d));
  }
  return out;
}
