/**
 * Staff members and API tokens, made with the same functions as the CLI (server/auth/store.ts)
 * against the run's database. Each call opens and closes its own connection, so nothing keeps
 * the database busy when serve.ts drops it.
 */
import { connect } from '@/db/client';
import { createStaff, createToken } from '@/server/auth/store';
import type { Role } from '@/server/auth/principal';
import { e2e, unique } from './env';

export interface StaffLogin {
  email: string;
  password: string;
  role: Role;
}

async function withDb<T>(fn: (db: ReturnType<typeof connect>['db']) => Promise<T>): Promise<T> {
  const handle = connect(e2e.databaseUrl, { max: 1, appName: 'll-e2e-seed' });
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

/** A new staff member with the given role and a known password. */
export async function createStaffMember(role: Role): Promise<StaffLogin> {
  const login = { email: `${role}-${unique()}@e2e.test`, password: `pw-${unique()}-${unique()}`, role };
  await withDb((db) => createStaff(db, { ...login, name: `E2E ${role}` }));
  return login;
}

/** The admin that serve.ts created at start (ADMIN_EMAIL / ADMIN_PASSWORD). */
export const admin: StaffLogin = { email: e2e.adminEmail, password: e2e.adminPassword, role: 'admin' };

/** A new API token (`Authorization: Bearer …`) with the given role. */
export async function createApiToken(role: Role): Promise<string> {
  const { token } = await withDb((db) => createToken(db, e2e.sessionSecret, { name: `e2e-${role}-${unique()}`, role }));
  return token;
}
