import postgres from 'postgres';
import { postgresAt } from '@/db/postgres-at';

/**
 * The plain CRUD schema the importer reads (docs/crud-import.md has the DDL). Ids may be of any
 * type with an order (integer, bigint, uuid, text); they are carried as text. Timestamps are read
 * as epoch milliseconds, so `timestamp without time zone` values are taken as UTC.
 */
export interface LegacyUser {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
}
export interface LegacyProduct {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
  createdAt: Date;
  soldUnits: number;
}
export interface LegacyItem {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}
export interface LegacyOrder {
  id: string;
  userId: string;
  status: string;
  totalCents: number;
  createdAt: Date;
  updatedAt: Date;
  items: LegacyItem[];
}

/** Legacy statuses that mean the goods went out, and those that mean the order was called off. */
export const COMPLETED_STATUSES = ['completed', 'complete', 'shipped', 'delivered', 'fulfilled'] as const;
export const CANCELLED_STATUSES = ['cancelled', 'canceled', 'failed', 'declined'] as const;

const REQUIRED: Record<string, string[]> = {
  users: ['id', 'email', 'name', 'created_at'],
  products: ['id', 'sku', 'name', 'price_cents', 'stock', 'created_at'],
  orders: ['id', 'user_id', 'status', 'total_cents', 'created_at', 'updated_at'],
  order_items: ['order_id', 'product_id', 'quantity', 'unit_price_cents'],
};

type Key = string | number;
const ms = (v: number | string) => new Date(Number(v));

/** A read-only connection to the legacy database, read page by page in id order. */
export class LegacySource {
  private readonly sql: postgres.Sql;

  constructor(
    url: string,
    private readonly pageSize = 500,
  ) {
    this.sql = postgresAt(url, {
      max: 2,
      onnotice: () => {},
      // Nothing the importer does can change the legacy database.
      connection: { application_name: 'ledgerline-import', default_transaction_read_only: true },
    });
  }

  /** Throws a message naming what is missing when the schema is not the expected one. */
  async check(): Promise<void> {
    const rows = await this.sql<{ table_name: string; column_name: string }[]>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ANY(${Object.keys(REQUIRED)})`;
    const missing = Object.entries(REQUIRED).flatMap(([table, cols]) =>
      cols.filter((c) => !rows.some((r) => r.table_name === table && r.column_name === c)).map((c) => `${table}.${c}`),
    );
    if (missing.length)
      throw new Error(`The legacy database lacks ${missing.join(', ')} (see docs/crud-import.md for the expected schema)`);
  }

  async counts() {
    const [r] = await this.sql<{ users: number; products: number; orders: number }[]>`
      SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM products)::int AS products, (SELECT count(*) FROM orders)::int AS orders`;
    return r!;
  }

  async *users(): AsyncGenerator<LegacyUser[]> {
    let after: Key | null = null;
    for (;;) {
      const rows: { key: Key; legacy_id: string; email: string; name: string; created_ms: number }[] = await this.sql`
        SELECT id AS key, id::text AS legacy_id, email, name, floor(extract(epoch FROM created_at) * 1000)::float8 AS created_ms
        FROM users WHERE ${after === null ? this.sql`true` : this.sql`id > ${after}`} ORDER BY key LIMIT ${this.pageSize}`;
      if (rows.length === 0) return;
      yield rows.map((r) => ({ id: r.legacy_id, email: r.email, name: r.name, createdAt: ms(r.created_ms) }));
      after = rows[rows.length - 1]!.key;
    }
  }

  /** Products with the units their completed orders took: stock then was what is left now plus those. */
  async *products(): AsyncGenerator<LegacyProduct[]> {
    let after: Key | null = null;
    for (;;) {
      const rows: {
        key: Key;
        legacy_id: string;
        sku: string;
        name: string;
        price_cents: number;
        stock: number;
        created_ms: number;
        sold: number;
      }[] = await this.sql`
        SELECT p.id AS key, p.id::text AS legacy_id, p.sku, p.name, p.price_cents::int AS price_cents, p.stock::int AS stock,
          floor(extract(epoch FROM p.created_at) * 1000)::float8 AS created_ms,
          COALESCE((SELECT sum(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id
                    WHERE i.product_id = p.id AND lower(o.status) = ANY(${[...COMPLETED_STATUSES]})), 0)::int AS sold
        FROM products p WHERE ${after === null ? this.sql`true` : this.sql`p.id > ${after}`} ORDER BY key LIMIT ${this.pageSize}`;
      if (rows.length === 0) return;
      yield rows.map((r) => ({
        id: r.legacy_id,
        sku: r.sku,
        name: r.name,
        priceCents: r.price_cents,
        stock: r.stock,
        createdAt: ms(r.created_ms),
        soldUnits: r.sold,
      }));
      after = rows[rows.length - 1]!.key;
    }
  }

  async *orders(): AsyncGenerator<LegacyOrder[]> {
    let after: Key | null = null;
    for (;;) {
      const rows: {
        key: Key;
        legacy_id: string;
        user_id: string;
        status: string;
        total_cents: number;
        created_ms: number;
        updated_ms: number;
      }[] = await this.sql`
        SELECT id AS key, id::text AS legacy_id, user_id::text AS user_id, status, total_cents::int AS total_cents,
          floor(extract(epoch FROM created_at) * 1000)::float8 AS created_ms, floor(extract(epoch FROM updated_at) * 1000)::float8 AS updated_ms
        FROM orders WHERE ${after === null ? this.sql`true` : this.sql`id > ${after}`} ORDER BY key LIMIT ${this.pageSize}`;
      if (rows.length === 0) return;
      const keys = rows.map((r) => r.key);
      const items = await this.sql<{ order_id: string; product_id: string; quantity: number; unit_price_cents: number }[]>`
        SELECT order_id::text AS order_id, product_id::text AS product_id, quantity::int AS quantity, unit_price_cents::int AS unit_price_cents
        FROM order_items WHERE order_id IN ${this.sql(keys)} ORDER BY order_id, product_id`;
      const byOrder = new Map<string, LegacyItem[]>();
      for (const i of items) {
        const list = byOrder.get(i.order_id) ?? byOrder.set(i.order_id, []).get(i.order_id)!;
        list.push({ productId: i.product_id, quantity: i.quantity, unitPriceCents: i.unit_price_cents });
      }
      yield rows.map((r) => ({
        id: r.legacy_id,
        userId: r.user_id,
        status: r.status,
        totalCents: r.total_cents,
        createdAt: ms(r.created_ms),
        updatedAt: ms(r.updated_ms),
        items: byOrder.get(r.legacy_id) ?? [],
      }));
      after = rows[rows.length - 1]!.key;
    }
  }

  close() {
    return this.sql.end({ timeout: 5 });
  }
}
