/**
 * An open-loop client for read-your-write at a fixed rate: pair i (a POST, then a GET built from
 * its answer) starts at i / rate seconds, whether or not earlier pairs have finished, so the
 * latency measured is the path's and not a queue the client made. autocannon's `overallRate`
 * fills each second's quota in a burst at the start of the second, which measures a queue.
 * node:http with a keep-alive agent: at a few hundred requests a second it takes little CPU.
 */
import http from 'node:http';

export interface Reply {
  status: number;
  body: string;
}

function send(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { agent, method, headers: body ? { ...headers, 'content-length': Buffer.byteLength(body) } : headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface PairTimes {
  /** create sent → answered, ms */
  create: number;
  /** read sent → answered, ms */
  read: number;
  /** when the pair was due, ms after the first */
  at: number;
}

/**
 * Runs `rate` pairs a second for `seconds`. `first` gives the POST (path and body); `second` turns
 * its reply into the GET's path, or null when there is nothing to read (counted as an error);
 * `check` judges the GET's reply (false: stale). Returns each pair's times and the counts.
 */
export async function pacedPairs(opts: {
  base: string;
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  first: (i: number) => { path: string; body: string };
  second: (reply: Reply) => string | null;
  check: (reply: Reply, created: Reply) => boolean;
}): Promise<{ pairs: PairTimes[]; errors: number; stale: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const pairs: PairTimes[] = [];
  let errors = 0;
  let stale = 0;
  const one = async (i: number) => {
    const t0 = performance.now();
    try {
      const post = opts.first(i);
      const created = await send(
        agent,
        new URL(post.path, opts.base),
        'POST',
        { ...opts.headers, 'content-type': 'application/json' },
        post.body,
      );
      const t1 = performance.now();
      const path = created.status === 200 ? opts.second(created) : null;
      if (!path) return void errors++;
      const read = await send(agent, new URL(path, opts.base), 'GET', opts.headers);
      const t2 = performance.now();
      if (read.status !== 200) return void errors++;
      if (!opts.check(read, created)) stale++;
      pairs.push({ create: t1 - t0, read: t2 - t1, at: (i * 1000) / opts.rate });
    } catch {
      errors++;
    }
  };
  const total = Math.round(opts.rate * opts.seconds);
  const started = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    running.push(one(i));
  }
  await Promise.all(running);
  agent.destroy();
  return { pairs, errors, stale };
}
