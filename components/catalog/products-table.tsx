'use client';

import type { ColumnDef } from '@tanstack/react-table';
import type { RouterOutputs } from '@/lib/client/trpc';
import { count, money } from '@/lib/client/format';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/common/data-table';
import { ProductActions } from './product-actions';

type Product = RouterOutputs['catalog']['products']['data']['items'][number];

/** The server's low-stock filter keeps products with at most this many available (LOW_STOCK_THRESHOLD). */
export const LOW_STOCK = 10;

const num = (n: number) => <span className="tabular-nums">{count(n)}</span>;

export function ProductsTable({ products, onWritten }: { products: Product[]; onWritten?: (position: number) => void }) {
  const columns: ColumnDef<Product, unknown>[] = [
    {
      header: 'SKU',
      accessorKey: 'sku',
      cell: ({ row }) => <span className="font-mono text-xs whitespace-nowrap">{row.original.sku}</span>,
    },
    { header: 'Name', accessorKey: 'name', cell: ({ row }) => <span className="font-medium">{row.original.name}</span> },
    {
      header: 'Price',
      accessorKey: 'priceCents',
      cell: ({ row }) => <span className="tabular-nums">{money(row.original.priceCents)}</span>,
    },
    { header: 'On hand', accessorKey: 'onHand', cell: ({ row }) => num(row.original.onHand) },
    { header: 'Reserved', accessorKey: 'reserved', cell: ({ row }) => num(row.original.reserved) },
    {
      header: 'Available',
      accessorKey: 'available',
      cell: ({ row }) => (
        <span className="flex items-center gap-2">
          {num(row.original.available)}
          {row.original.available <= LOW_STOCK ? (
            <Badge variant={row.original.available === 0 ? 'destructive' : 'warning'}>{row.original.available === 0 ? 'out' : 'low'}</Badge>
          ) : null}
        </span>
      ),
    },
  ];
  if (onWritten)
    columns.push({ header: 'Actions', id: 'actions', cell: ({ row }) => <ProductActions product={row.original} onWritten={onWritten} /> });
  return <DataTable columns={columns} data={products} rowId={(p) => p.productId} caption="Products" testId="products-table" />;
}
