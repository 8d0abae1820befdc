import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiTokens, sessions, staff } from '@/db/schema';
import { hashPassword, newSecret, secretHash, verifyPassword, } from './crypto';
import type { Principal, Role } from './principal';

export const SESSION_COOKIE = 'll_session';
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export async function createStaff(db: Db, input: { email: string; name?: string; role: Role; password: string }) {
  const [row] = await db.insert(staff).values({
    email: input.email, name: input.name ?? input.email.split('@')[0] ?? input.email, role: input.role,
    passwordHash: await hashPassword(input.password),
  }).onConflictDoNothing().returning({ id: staff.id });
  if (!row) throw new Error(`A staff member with email ${input.email} already exists`);
  return row.id;
}

export async function countStaff(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(staff);
  return row?.n ?? 0;
}

/** Checks email and password; returns a new session secret for the cookie, or null. */
export async function signIn(db: Db, key: string, email: string, password: string): Promise<{ secret: string; expiresAt: Date } | null> {
  const [member] = await db.select().from(staff).where(sql`lower(${staff.email}) = lower(${email})`);
  // Hash anyway when the email is unknown, so timing does not reveal which emails exist.
  const ok = member ? await verifyPassword(password, member.passwordHash) : (await hashPassword(password), false);
  if (!member || !ok) return null;
  const secret = newSecret('lls');
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.insert(sessions).values({ tokenHash: secretHash(secret, key), staffId: member.id, expiresAt });
  return { secret, expiresAt };
}

export async function signOut(db: Db, key: string, secret: string) {
  await db.delete(sessions).where(eq(sessions.tokenHash, secretHash(secret, key)));
}

export async function principalFromSession(db: Db, key: string, secret: string): Promise<Principal | null> {
  const [row] = await db.select({ id: staff.id, name: staff.name, email: staff.email, role: staff.role })
    .from(sessions).innerJoin(staff, eq(staff.id, sessions.staffId))
    .where(and(eq(sessions.tokenHash, secretHash(secret, key)), gt(sessions.expiresAt, new Date())));
  return row ? { kind: 'staff', id: row.id, name: row.email, role: row.role } : null;
}

export async function createToken(db: Db, key: string, input: { name: string; role: Role }) {
  const secret = newSecret('llt');
  const [row] = await db.insert(apiTokens).values({ name: input.name, role: input.role, tokenHash: secretHash(secret, key) }).returning({ id: apiTokens.id });
  return { id: row!.id, token: secret };
}

export async function revokeToken(db: Db, id: string) {
  const r = await db.update(apiTokens).set({ revokedAt: new Date() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).returning({ id: apiTokens.id });
  return r.length > 0;
}

export async function principalFromToken(db: Db, key: string, secret: string): Promise<Principal | null> {
  const [row] = await db.select().from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, secretHash(secret, key)), isNull(apiTokens.revokedAt)));
  return row ? { kind: 'token', id: row.id, name: row.name, role: row.role } : null;
}

/** Resolves a request's principal from its bearer token or session cookie. */
export async function authenticate(db: Db, key: string, headers: Headers): Promise<Principal | null> {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m?.[1] ? principalFromToken(db, key, m[1]) : null;
  }
  const cookie = headers.get('cookie');
  const secret = cookie?.split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
  return secret ? principalFromSession(db, key, decodeURIComponent(secret)) : null;
}
