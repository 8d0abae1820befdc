import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { postgresAt } from './postgres-at';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  if (!/^[A-Za-z0-9_\-]+$/.test(name)) throw new Error(`Unsupported database name: ${name}`);
  u.pathname = '/postgres';
  const admin = postgresAt(u.toString(), { max: 1, onnotice: () => {} });
  try {
    const found = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (found.length === 0) {
      try {
        await admin.unsafe(`CREATE DATABASE "${name}"`);
      } catch (err) {
        // Another process created it in the meantime: 42P04 if it committed before we looked,
        // 23505 (pg_database_datname_index) if both CREATE DATABASE statements ran at once.
        const code = (err as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw err;
      }
    }
  } finally {
    await admin.end();
  }
}

export async function migrateDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  const client = postgresAt(url, { max: 1, onnotice: () => {} });
  try {
    // Serialise concurrent migrators (several workers starting at once).
    await client`SELECT pg_advisory_lock(7316001)`;
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.end();
  }
}

export async function migrateAll(urls: string[]): Promise<void> {
  for (const url of new Set(urls)) await migrateDatabase(url);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const write = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ledgerline';
  const read = process.env.READ_DATABASE_URL ?? write;
  migrateAll([write, read])
    .then(() => console.log('migrations applied'))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
