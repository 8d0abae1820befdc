/**
 * Finding 9 (session and staff lifecycle) and finding 8 (payment tokens by reference).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authenticate,
  createStaff,
  deleteExpiredSessions,
  disableStaff,
  enableStaff,
  resetStaffPassword,
  signIn,
  signOutEverywhere,
  SESSION_COOKIE,
  SECURE_SESSION_COOKIE,
} from '@/server/auth/store';
import { handleSignIn } from '@/server/http/sign-in';
import { createTestEnv, callerFor, type TestEnv } from './support/harness';

let t: TestEnv;
const key = () => t.services.env.SESSION_SECRET;
const IDLE = 30 * 60_000;
const password = 'correct horse battery';
const cookieOf = (secret: string) => new Headers({ cookie: `${SESSION_COOKIE}=${encodeURIComponent(secret)}` });
const who = (secret: string) => authenticate(t.services.write.db, key(), cookieOf(secret), IDLE);

beforeAll(async () => {
  t = await createTestEnv('sessions');
});
afterAll(async () => {
  await t?.cleanup();
});

// Each sign-in hashes with scrypt N = 2^17 (~0.5 s of a quiet core, many seconds on a loaded one).
describe('finding 9: sessions and staff lifecycle', { timeout: 240_000 }, () => {
  it('a session unused for longer than the idle timeout is signed out, before its 7-day maximum', async () => {
    await createStaff(t.services.write.db, { email: 'idle@example.com', role: 'analyst', password });
    const s = (await signIn(t.services.write.db, key(), 'idle@example.com', password))!;
    expect(await who(s.secret)).not.toBeNull();
    await t.services.write.sql`UPDATE sessions SET last_seen_at = now() - interval '31 minutes'`;
    expect(await who(s.secret)).toBeNull();
    expect(s.expiresAt.getTime() - Date.now()).toBeGreaterThan(6 * 24 * 3600_000);
  });

  it('disabling a member ends their open sessions and refuses sign-in; enabling lets them back', async () => {
    await createStaff(t.services.write.db, { email: 'leaver@example.com', role: 'operator', password });
    const a = (await signIn(t.services.write.db, key(), 'leaver@example.com', password))!;
    const b = (await signIn(t.services.write.db, key(), 'leaver@example.com', password))!;
    expect(await who(a.secret)).not.toBeNull();
    expect((await disableStaff(t.services.write.db, 'Leaver@Example.com'))?.sessionsEnded).toBe(2);
    expect(await who(a.secret)).toBeNull();
    expect(await who(b.secret)).toBeNull();
    expect(await signIn(t.services.write.db, key(), 'leaver@example.com', password)).toBeNull();
    expect(await enableStaff(t.services.write.db, 'leaver@example.com')).toBe(true);
    expect(await signIn(t.services.write.db, key(), 'leaver@example.com', password)).not.toBeNull();
  });

  it('sign out everywhere ends every session of that member only; a password reset does too', async () => {
    await createStaff(t.services.write.db, { email: 'many@example.com', role: 'admin', password });
    await createStaff(t.services.write.db, { email: 'other@example.com', role: 'admin', password });
    const mine = [
      (await signIn(t.services.write.db, key(), 'many@example.com', password))!,
      (await signIn(t.services.write.db, key(), 'many@example.com', password))!,
    ];
    const theirs = (await signIn(t.services.write.db, key(), 'other@example.com', password))!;
    const me = (await who(mine[0]!.secret))!;
    expect(await signOutEverywhere(t.services.write.db, me.id)).toBe(2);
    for (const s of mine) expect(await who(s.secret)).toBeNull();
    expect(await who(theirs.secret)).not.toBeNull();
    expect(await resetStaffPassword(t.services.write.db, 'other@example.com', 'a-brand-new-password')).toBe(true);
    expect(await who(theirs.secret)).toBeNull();
    expect(await signIn(t.services.write.db, key(), 'other@example.com', password)).toBeNull();
    expect(await signIn(t.services.write.db, key(), 'other@example.com', 'a-brand-new-password')).not.toBeNull();
  });

  it('expired and idle sessions are deleted, live ones kept', async () => {
    await createStaff(t.services.write.db, { email: 'gc@example.com', role: 'analyst', password });
    const live = (await signIn(t.services.write.db, key(), 'gc@example.com', password))!;
    const old = (await signIn(t.services.write.db, key(), 'gc@example.com', password))!;
    const idle = (await signIn(t.services.write.db, key(), 'gc@example.com', password))!;
    const { secretHash } = await import('@/server/auth/crypto');
    await t.services.write
      .sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = ${secretHash(old.secret, key())}`;
    await t.services.write
      .sql`UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE token_hash = ${secretHash(idle.secret, key())}`;
    expect(await deleteExpiredSessions(t.services.write.db, IDLE)).toBeGreaterThanOrEqual(2);
    const left = await t.services.write
      .sql`SELECT token_hash FROM sessions WHERE token_hash IN (${secretHash(old.secret, key())}, ${secretHash(idle.secret, key())}, ${secretHash(live.secret, key())})`;
    expect(left.map((r) => r.token_hash)).toEqual([secretHash(live.secret, key())]);
  });

  it('over https the session cookie is __Host- prefixed and Secure, and it authenticates', async () => {
    await createStaff(t.services.write.db, { email: 'tls@example.com', role: 'analyst', password });
    const res = await handleSignIn(
      t.services,
      new Request('https://portal.test/api/auth/sign-in', {
        method: 'POST',
        body: JSON.stringify({ email: 'tls@example.com', password }),
        headers: {
          host: 'portal.test',
          origin: 'https://portal.test',
          'x-forwarded-proto': 'https',
          'content-type': 'application/json',
          accept: 'application/json',
        },
      }),
    );
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(new RegExp(`^${SECURE_SESSION_COOKIE}=`));
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/Domain=/i);
    const value = setCookie.split(';')[0]!;
    expect(await authenticate(t.services.write.db, key(), new Headers({ cookie: value }), IDLE)).toMatchObject({ kind: 'staff' });
  });

  it('a password hashed with the old parameters is rehashed at the next sign-in', async () => {
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const old = [
      'scrypt',
      16384,
      8,
      1,
      salt.toString('base64url'),
      scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64url'),
    ].join('$');
    await createStaff(t.services.write.db, { email: 'legacy@example.com', role: 'analyst', password: 'temporary-password' });
    await t.services.write.sql`UPDATE staff SET password_hash = ${old} WHERE email = 'legacy@example.com'`;
    expect(await signIn(t.services.write.db, key(), 'legacy@example.com', password)).not.toBeNull();
    const [row] = await t.services.write.sql`SELECT password_hash FROM staff WHERE email = 'legacy@example.com'`;
    expect(row!.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
  });
});

describe('finding 8: payment tokens', () => {
  it('orders.place keeps a reference in OrderPlaced and on the order row; the token only in payment_tokens', async () => {
    const op = await callerFor(t.services, 'operator');
    const { userId } = await op.users.create({ email: `buyer-${randomUUID()}@example.com`, name: 'Buyer' });
    const { productId } = await op.catalog.createProduct({
      sku: `SKU-${randomUUID().slice(0, 8)}`,
      name: 'Mug',
      priceCents: 500,
      stock: 5,
    });
    const token = 'tok_ok_secret_4242';
    const { orderId } = await op.orders.place({ userId, items: [{ productId, quantity: 1 }], payment: { token } });
    const events = await t.services.write.sql`SELECT data::text AS data FROM events WHERE stream_id = ${`order-${orderId}`}`;
    for (const e of events) expect(e.data).not.toContain(token);
    const [placed] = await t.services.write.sql`SELECT data FROM events WHERE stream_id = ${`order-${orderId}`} AND type = 'OrderPlaced'`;
    expect(placed!.data).toMatchObject({ paymentRef: `pref_${orderId}` });
    const [order] = await t.services.write.sql`SELECT row_to_json(o)::text AS row FROM orders o WHERE id = ${orderId}`;
    expect(order!.row).not.toContain(token);
    const [held] = await t.services.write.sql`SELECT token FROM payment_tokens WHERE order_id = ${orderId}`;
    expect(held?.token).toBe(token);
  });

  it('ops.events shows an old OrderPlaced (token in clear, v1 and v2) redacted, to every role', async () => {
    const oid = randomUUID();
    const line = { productId: randomUUID(), sku: 'S', name: 'N', quantity: 1, unitPriceCents: 100 };
    for (const [v, data] of [
      [1, { orderId: oid, userId: randomUUID(), lines: [line], totalCents: 100, paymentToken: 'tok_ok_OLDSECRET' }],
      [2, { orderId: oid, userId: randomUUID(), lines: [line], totalCents: 100, paymentToken: 'tok_ok_OLDSECRET', currency: 'EUR' }],
    ] as const) {
      await t.services.write.sql`INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
        VALUES (${randomUUID()}, ${`order-${oid}`}, ${v}, 'OrderPlaced', ${v}, ${JSON.stringify(data)}::jsonb, '{}'::jsonb, now())`;
    }
    const analyst = await callerFor(t.services, 'analyst');
    const page = await analyst.ops.events({ streamId: `order-${oid}`, limit: 10 });
    expect(page.data.items).toHaveLength(2);
    expect(JSON.stringify(page.data.items)).not.toContain('OLDSECRET');
    for (const e of page.data.items) expect(e.data).toMatchObject({ paymentToken: '[redacted]' });
  });
});
