import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./db/schema/write.ts', './db/schema/events.ts', './db/schema/auth.ts', './db/schema/read.ts', './db/schema/analytics.ts'],
  out: './db/migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ledgerline' },
});
