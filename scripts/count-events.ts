/** Prints how many events the log holds (used by setup.sh to decide whether to load demo data). */
import postgres from 'postgres';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ledgerline';
const sql = postgres(url, { max: 1, onnotice: () => {} });
try {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM events`;
  console.log(row?.n ?? 0);
} finally {
  await sql.end();
}
