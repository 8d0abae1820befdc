import type { Db } from '@/db/client';
import type { Env } from '@/server/env';
import { countStaff, createStaff } from './store';
import { generatePassword } from './crypto';

export type FirstAdmin = { created: false } | { created: true; email: string; password: string; generated: boolean };

/**
 * Creates the first admin (ADMIN_EMAIL, with ADMIN_PASSWORD or a generated password) when no staff
 * exist yet, and prints how to sign in. A generated password is printed this once and never stored.
 */
export async function ensureFirstAdmin(
  db: Db,
  env: Pick<Env, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD' | 'PORT'>,
  print: (line: string) => void = (l) => console.log(l),
): Promise<FirstAdmin> {
  if ((await countStaff(db)) > 0) return { created: false };
  const generated = !env.ADMIN_PASSWORD;
  const password = env.ADMIN_PASSWORD ?? generatePassword();
  try {
    await createStaff(db, { email: env.ADMIN_EMAIL, role: 'admin', password });
  } catch (err) {
    // Another web process starting at the same moment created the first staff member: fine.
    if ((await countStaff(db)) > 0) return { created: false };
    throw err;
  }
  const url = `http://localhost:${env.PORT}`;
  print(
    generated
      ? `Sign in at ${url} as ${env.ADMIN_EMAIL} with password ${password}`
      : `Sign in at ${url} as ${env.ADMIN_EMAIL} with the password in ADMIN_PASSWORD`,
  );
  return { created: true, email: env.ADMIN_EMAIL, password, generated };
}
