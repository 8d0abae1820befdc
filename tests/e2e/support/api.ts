/**
 * A small tRPC-over-HTTP client for seeding and checks: superjson's wire shape `{json: …}`,
 * mutations as POST /api/trpc/<path>, queries as GET with ?input=.
 */
import { expect, type APIRequestContext } from '@playwright/test';

export interface TrpcError {
  code: string;
  httpStatus: number;
  message: string;
}

export class TrpcCallError extends Error {
  constructor(
    readonly path: string,
    readonly error: TrpcError,
  ) {
    super(`${path} failed: ${error.code} ${error.message}`);
  }
}

interface Envelope {
  result?: { data?: { json?: unknown } };
  error?: { json?: { message: string; data?: { code: string; httpStatus: number } } };
}

async function unwrap<T>(path: string, res: Awaited<ReturnType<APIRequestContext['get']>>): Promise<T> {
  const body = (await res.json()) as Envelope;
  if (body.error) {
    const e = body.error.json;
    throw new TrpcCallError(path, {
      code: e?.data?.code ?? 'UNKNOWN',
      httpStatus: e?.data?.httpStatus ?? res.status(),
      message: e?.message ?? '',
    });
  }
  return body.result?.data?.json as T;
}

export class Api {
  /** `token` sends a bearer token; without one the request context's cookies (a session) are used. */
  constructor(
    private readonly request: APIRequestContext,
    private readonly token?: string,
  ) {}

  private get headers() {
    return this.token ? { authorization: `Bearer ${this.token}` } : undefined;
  }

  async mutate<T>(path: string, input: unknown): Promise<T> {
    const res = await this.request.post(`/api/trpc/${path}`, { data: { json: input }, headers: this.headers });
    return unwrap<T>(path, res);
  }

  async query<T>(path: string, input: unknown): Promise<T> {
    const res = await this.request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
      headers: this.headers,
    });
    return unwrap<T>(path, res);
  }

  /** Waits (polling, not sleeping) until `path` answers fresh at `minPosition`; returns its data. */
  async fresh<T>(path: string, input: Record<string, unknown>, minPosition: number, timeout = 30_000): Promise<T> {
    let data: T | undefined;
    await expect
      .poll(
        async () => {
          const answer = await this.query<{ data: T; freshness: { stale: boolean } }>(path, { ...input, minPosition });
          data = answer.data;
          return answer.freshness.stale;
        },
        { message: `${path} to reach position ${minPosition}`, timeout },
      )
      .toBe(false);
    return data as T;
  }
}
