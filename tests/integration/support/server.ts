/**
 * Real processes for the client and e2e tests: the web tier as shipped, `npm start` (needs a
 * production build; scripts/start-web.ts: node:http for the API, Next for the rest), and a worker, each in its own process group so that stop() ends everything it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

/** Whether `npm run build` has produced a build that `npm start` can serve. */
export const hasBuild = () => existsSync(path.join(root, '.next', 'BUILD_ID'));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface Proc {
  /** What the process printed so far (the last 400 lines), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

function launch(
  command: string,
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; proc: Proc; exited: Promise<number | null> } {
  // Without vitest's NODE_ENV=test: npm start sets production itself, the worker runs as in development.
  const { NODE_ENV: _testEnv, ...inherited } = process.env;
  const child = spawn(command, args, {
    cwd: root,
    env: { ...inherited, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: stop() signals the process and its children
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
  };
  const onExit = () => signalGroup('SIGKILL');
  process.on('exit', onExit);
  const proc: Proc = {
    output: () => lines.join('\n'),
    async stop() {
      process.off('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup('SIGTERM');
      const killer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
  return { child, proc, exited };
}

export interface Server extends Proc {
  url: string;
}

/** Runs `npm start` on a free port with these environment variables; resolves when /api/health answers 200. */
export async function startServer(env: Record<string, string>, timeoutMs = 120_000): Promise<Server> {
  if (!hasBuild()) throw new Error('No production build (.next/BUILD_ID): run `npm run build` first');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, proc } = launch('npm', ['run', '-s', 'start'], { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${proc.output()}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
      if (res.status === 200) return { ...proc, url };
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await proc.stop();
  throw new Error(`npm start did not become healthy within ${timeoutMs} ms (last: ${last}):\n${proc.output()}`);
}

/** Runs one worker (`workers/main.ts`) with these environment variables. */
export function startWorker(env: Record<string, string>): Proc {
  const { child, proc } = launch(bin('tsx'), ['workers/main.ts'], env);
  child.on('exit', (code) => {
    if (code) console.error(`worker exited with ${code}:\n${proc.output()}`);
  });
  return proc;
}
