import type postgres from 'postgres';

export interface Checkpoint {
  name: string;
  version: number;
  txId: bigint;
  position: number;
}

type Row = { name: string; version: number; tx_id: string; position: string };
const checkpointOf = (r: Row): Checkpoint => ({ name: r.name, version: r.version, txId: BigInt(r.tx_id), position: Number(r.position) });

export async function readCheckpoints(sql: postgres.Sql, names: readonly string[]): Promise<Checkpoint[]> {
  const rows = await sql<Row[]>`
    SELECT name, version, tx_id::text, position FROM projection_checkpoints WHERE name = ANY(${names as string[]})`;
  return rows.map(checkpointOf);
}

/** Every consumer's checkpoint (one row each: a small table), for the copy held in memory. */
export async function readAllCheckpoints(sql: postgres.Sql): Promise<Checkpoint[]> {
  const rows = await sql<Row[]>`SELECT name, version, tx_id::text, position FROM projection_checkpoints`;
  return rows.map(checkpointOf);
}

/** True when a checkpoint (tx, position) is at or past the event (tx, position): log order is (tx_id, position). */
export const reached = (ck: { txId: bigint; position: number }, ev: { txId: bigint; position: number }) =>
  ck.txId > ev.txId || (ck.txId === ev.txId && ck.position >= ev.position);
