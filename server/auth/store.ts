import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiTokens, sessions, staff } from '@/db/schema';
import { hashPassword, needsRehash, newSecret, secretHash, verifyPassword } from './crypto';
import type { Principal, Role } from './principal';
import { forgetLocally } from './revocation';

/** The session cookie: `__Host-` prefixed when served over https (bound to this host, Secure, Path=/). */
export const SESSION_COOKIE = 'll_session';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
export const SESSION_COOKIE_NAMES = [SECURE_SESSION_COOKIE, SESSION_COOKIE] as const;
/** The longest a session lives, however active. */
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
/** last_seen_at is written at most this often, so reads do not each become a write. */
const TOUCH_EVERY_MS = 60_000;

const byEmail = (email: string) => sql`lower(${staff.email}) = lower(${email})`;

export async function createStaff(db: Db, input: { email: string; name?: string; role: Role; password: string }) {
  const taken = () => new Error(`A staff member with email ${input.email} already exists`);
  // Checked before hashing: a hash costs 128 MiB and a good fraction of a second.
  const [existing] = await db.select({ id: staff.id }).from(staff).where(byEmail(input.email));
  if (existing) throw taken();
  const [row] = await db
    .insert(staff)
    .values({
      email: input.email,
      name: input.name ?? input.email.split('@')[0] ?? input.email,
      role: input.role,
      passwordHash: await hashPassword(input.password),
    })
    .onConflictDoNothing()
    .returning({ id: staff.id });
  if (!row) throw taken();
  return row.id;
}

export async function countStaff(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(staff);
  return row?.n ?? 0;
}

/**
 * Checks email and password; returns a new session secret for the cookie, or null. A disabled
 * member cannot sign in. A hash made with weaker parameters than today's is replaced on success.
 */
export async function signIn(db: Db, key: string, email: string, password: string): Promise<{ secret: string; expiresAt: Date } | null> {
  const [member] = await db.select().from(staff).where(byEmail(email));
  // Hash anyway when the email is unknown, so timing does not reveal which emails exist.
  const ok = member ? await verifyPassword(password, member.passwordHash) : (await hashPassword(password), false);
  if (!member || !ok || member.disabledAt) return null;
  if (needsRehash(member.passwordHash)) {
    await db
      .update(staff)
      .set({ passwordHash: await hashPassword(password) })
      .where(eq(staff.id, member.id));
  }
  const secret = newSecret('lls');
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.insert(sessions).values({ tokenHash: secretHash(secret, key), staffId: member.id, expiresAt });
  return { secret, expiresAt };
}

/** Ends a session. Other processes hear of it through the table's trigger (NOTIFY); this one at once. */
export async function signOut(db: Db, key: string, secret: string) {
  const tokenHash = secretHash(secret, key);
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
  forgetLocally(db, { session: tokenHash });
}

/** "Sign out everywhere": ends every session of that member. Returns how many ended. */
export async function signOutEverywhere(db: Db, staffId: string): Promise<number> {
  const n = (await db.delete(sessions).where(eq(sessions.staffId, staffId)).returning({ h: sessions.tokenHash })).length;
  forgetLocally(db, { staff: staffId });
  return n;
}

/** Deletes sessions past their maximum age or their idle timeout. Returns how many. */
export async function deleteExpiredSessions(db: Db, idleMs: number): Promise<number> {
  const idleSince = new Date(Date.now() - idleMs);
  const n = (
    await db
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, new Date()), lt(sessions.lastSeenAt, idleSince)))
      .returning({ h: sessions.tokenHash })
  ).length;
  if (n) forgetLocally(db, { all: true });
  return n;
}

export async function principalFromSession(db: Db, key: string, secret: string, idleMs: number): Promise<Principal | null> {
  const now = Date.now();
  const hash = secretHash(secret, key);
  const [row] = await db
    .select({ id: staff.id, name: staff.name, email: staff.email, role: staff.role, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(staff, eq(staff.id, sessions.staffId))
    .where(
      and(
        eq(sessions.tokenHash, hash),
        gt(sessions.expiresAt, new Date(now)),
        gt(sessions.lastSeenAt, new Date(now - idleMs)),
        isNull(staff.disabledAt),
      ),
    );
  if (!row) return null;
  if (now - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(sessions.tokenHash, hash));
  }
  return { kind: 'staff', id: row.id, name: row.email, role: row.role };
}

/** `cli staff disable`: no more sign-ins, and every open session ends now. */
export async function disableStaff(db: Db, email: string): Promise<{ id: string; sessionsEnded: number } | null> {
  return db
    .transaction(async (tx) => {
      const [row] = await tx
        .update(staff)
        .set({ disabledAt: sql`coalesce(${staff.disabledAt}, now())` })
        .where(byEmail(email))
        .returning({ id: staff.id });
      if (!row) return null;
      const ended = await tx.delete(sessions).where(eq(sessions.staffId, row.id)).returning({ h: sessions.tokenHash });
      return { id: row.id, sessionsEnded: ended.length };
    })
    .then((r) => {
      if (r) forgetLocally(db, { staff: r.id });
      return r;
    });
}

export async function enableStaff(db: Db, email: string): Promise<boolean> {
  return (await db.update(staff).set({ disabledAt: null }).where(byEmail(email)).returning({ id: staff.id })).length > 0;
}

/** `cli staff reset-password`: a new password; every session of the old one ends. */
export async function resetStaffPassword(db: Db, email: string, password: string): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  let forgetAfter: string | undefined;
  return db
    .transaction(async (tx) => {
      const [row] = await tx.update(staff).set({ passwordHash }).where(byEmail(email)).returning({ id: staff.id });
      if (!row) return false;
      await tx.delete(sessions).where(eq(sessions.staffId, row.id));
      forgetAfter = row.id;
      return true;
    })
    .then((ok) => {
      if (forgetAfter) forgetLocally(db, { staff: forgetAfter });
      return ok;
    });
}

export async function createToken(db: Db, key: string, input: { name: string; role: Role }) {
  const secret = newSecret('llt');
  const [row] = await db
    .insert(apiTokens)
    .values({ name: input.name, role: input.role, tokenHash: secretHash(secret, key) })
    .returning({ id: apiTokens.id });
  return { id: row!.id, token: secret };
}

export async function revokeToken(db: Db, id: string) {
  const r = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  forgetLocally(db, { token: id });
  return r.length > 0;
}

export async function principalFromToken(db: Db, key: string, secret: string): Promise<Principal | null> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, secretHash(secret, key)), isNull(apiTokens.revokedAt)));
  return row ? { kind: 'token', id: row.id, name: row.name, role: row.role } : null;
}

/** The session secret in a Cookie header (the `__Host-` cookie first), if any. */
export function sessionSecretOf(cookie: string | null | undefined): string | undefined {
  if (!cookie) return undefined;
  const parts = cookie.split(/;\s*/);
  for (const name of SESSION_COOKIE_NAMES) {
    const raw = parts.find((c) => c.startsWith(`${name}=`))?.slice(name.length + 1);
    if (raw) {
      try {
        return decodeURIComponent(raw);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** How long an unused session lives; from SESSION_IDLE_MINUTES (12 hours by default). */
export const idleMsOf = (env: { SESSION_IDLE_MINUTES: number }) => env.SESSION_IDLE_MINUTES * 60_000;

/** What `authenticate` needs of a request's headers (a fetch `Headers`, or a view of node's). */
export type HeaderSource = Pick<Headers, 'get'>;

/** Resolves a request's principal from its bearer token or session cookie (uncached: the web tier uses PrincipalCache). */
export async function authenticate(db: Db, key: string, headers: HeaderSource, idleMs = 12 * 3600_000): Promise<Principal | null> {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m?.[1] ? principalFromToken(db, key, m[1]) : null;
  }
  const secret = sessionSecretOf(headers.get('cookie'));
  return secret ? principalFromSession(db, key, secret, idleMs) : null;
}
