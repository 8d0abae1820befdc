import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACT_PATHS, safeError } from '@/server/log';
import { pathOnly } from '@/server/http/access-log';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const log = pino({ serializers: { err: safeError }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
  return { log, text: () => lines.join('') };
}

describe('logs carry no query parameters or personal data (findings 6 and 10)', () => {
  it('a failed query is logged without its parameters (message, params, cause)', () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
      detail: 'Key (email)=(secret.person@example.com) already exists.',
      parameters: ['secret.person@example.com'],
    });
    const err = Object.assign(new Error('Failed query: insert into "users" ("email") values ($1)\nparams: secret.person@example.com'), {
      params: ['secret.person@example.com'],
      cause,
    });
    const { log, text } = capture();
    log.error({ err }, 'procedure failed');
    expect(text()).toContain('Failed query');
    expect(text()).toContain('23505');
    expect(text()).not.toContain('secret.person');
  });

  it('emails, names, passwords, tokens, search terms and cookies are redacted', () => {
    const { log, text } = capture();
    log.info(
      {
        email: 'a@example.com',
        user: { name: 'Ada Lovelace', email: 'b@example.com' },
        password: 'pw-123456',
        q: 'ada',
        headers: { cookie: 'll_session=abc' },
      },
      'x',
    );
    for (const s of ['a@example.com', 'Ada Lovelace', 'b@example.com', 'pw-123456', '"ada"', 'll_session=abc'])
      expect(text()).not.toContain(s);
  });

  it('the access log keeps the path and drops the query', () => {
    expect(pathOnly('/api/trpc/users.search?input=%7B%22q%22%3A%22ada%40example.com%22%7D')).toBe('/api/trpc/users.search');
    expect(pathOnly('/orders?status=pending#x')).toBe('/orders');
  });
});
