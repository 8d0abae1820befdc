'use client';

import Link from 'next/link';
import type { ColumnDef } from '@tanstack/react-table';
import type { RouterOutputs } from '@/lib/client/trpc';
import { dateTime, money, shortId } from '@/lib/client/format';
import { DataTable } from '@/components/common/data-table';
import { StatusBadge } from './status-badge';

export type OrderRow = RouterOutputs['orders']['list']['data']['items'][number];

const itemsOf = (o: OrderRow) => o.lines.reduce((n, l) => n + l.quantity, 0);

const base: ColumnDef<OrderRow, unknown>[] = [
  {
    header: 'Order',
    accessorKey: 'orderId',
    cell: ({ row }) => (
      <Link
        className="font-mono text-primary hover:underline"
        href={`/orders/${row.original.orderId}`}
        aria-label={`Order ${row.original.orderId}`}
      >
        {shortId(row.original.orderId)}
      </Link>
    ),
  },
  { header: 'Status', accessorKey: 'status', cell: ({ row }) => <StatusBadge status={row.original.status} /> },
  {
    header: 'Total',
    accessorKey: 'totalCents',
    cell: ({ row }) => <span className="tabular-nums">{money(row.original.totalCents, row.original.currency)}</span>,
  },
  { header: 'Items', id: 'items', cell: ({ row }) => itemsOf(row.original) },
  {
    header: 'Placed',
    accessorKey: 'placedAt',
    cell: ({ row }) => <span className="whitespace-nowrap">{dateTime(row.original.placedAt)}</span>,
  },
];

const customer: ColumnDef<OrderRow, unknown> = {
  header: 'Customer',
  accessorKey: 'userId',
  cell: ({ row }) => (
    <Link
      className={row.original.customerName ? 'text-primary hover:underline' : 'font-mono text-primary hover:underline'}
      href={`/users/${row.original.userId}`}
      data-testid="order-customer"
    >
      {row.original.customerName ?? shortId(row.original.userId)}
    </Link>
  ),
};

/** The table's rows as CSV columns (the customer is both its id and its name; money in cents with its currency). */
export const orderCsvHeader = ['order_id', 'status', 'customer_id', 'customer_name', 'currency', 'total_cents', 'items', 'placed_at'];
export const orderCsvRows = (orders: OrderRow[]) =>
  orders.map((o) => [o.orderId, o.status, o.userId, o.customerName, o.currency, o.totalCents, itemsOf(o), o.placedAt]);

export function OrdersTable({ orders, showCustomer = false }: { orders: OrderRow[]; showCustomer?: boolean }) {
  const columns = showCustomer ? [...base.slice(0, 2), customer, ...base.slice(2)] : base;
  return <DataTable columns={columns} data={orders} rowId={(o) => o.orderId} caption="Orders" testId="orders-table" />;
}
