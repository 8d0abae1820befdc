'use client';

import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/client/trpc';
import { useDebounced } from '@/lib/client/use-debounced';
import { useCanCommand } from '@/lib/client/session';
import { pollWhileStale } from '@/lib/client/freshness';
import { Card, CardContent } from '@/components/ui/card';
import { Field, Input, Label } from '@/components/ui/input';
import { PageHeader } from '@/components/common/page-header';
import { CursorPager, useCursorPages } from '@/components/common/cursor-pager';
import { EmptyState, ProcessingNotice, QueryStates, StaleFrame } from '@/components/common/states';
import { CreateProductDialog } from './create-product-form';
import { LOW_STOCK, ProductsTable } from './products-table';

export function CatalogView() {
  const trpc = useTRPC();
  const canCommand = useCanCommand();
  const [q, setQ] = useState('');
  const [lowStock, setLowStock] = useState(false);
  const [minPosition, setMinPosition] = useState<number>();
  const query = useDebounced(q.trim(), 250);
  const pages = useCursorPages(`${query}|${lowStock}`);

  const products = useQuery({
    ...trpc.catalog.products.queryOptions({
      q: query || undefined,
      lowStock: lowStock || undefined,
      limit: 25,
      cursor: pages.cursor,
      minPosition,
    }),
    refetchInterval: pollWhileStale(),
    placeholderData: (prev) => prev,
  });
  const stale = Boolean(products.data?.freshness.stale);
  const items = products.data?.data.items ?? [];
  const onWritten = (p: number) => setMinPosition((m) => Math.max(m ?? 0, p));

  return (
    <>
      <PageHeader
        title="Catalog"
        description="Prices and stock: on hand, reserved by orders in progress, and available."
        actions={canCommand ? <CreateProductDialog onWritten={onWritten} /> : null}
      />
      <Card>
        <CardContent className="flex flex-col gap-4 pt-4">
          <div className="flex flex-wrap items-end gap-4">
            <Field label="Search products" htmlFor="product-search" className="w-full sm:w-64">
              <Input
                id="product-search"
                type="search"
                placeholder="SKU or name"
                value={q}
                onChange={(e) => setQ(e.target.value)}
                autoComplete="off"
              />
            </Field>
            <div className="flex h-9 items-center gap-2">
              <input
                id="low-stock"
                type="checkbox"
                className="size-4 accent-primary"
                checked={lowStock}
                onChange={(e) => setLowStock(e.target.checked)}
              />
              <Label htmlFor="low-stock">Low stock only ({LOW_STOCK} or fewer available)</Label>
            </div>
          </div>
          <ProcessingNotice show={stale} />
          <QueryStates
            query={products}
            data={products.data}
            loading={{ rows: 6, label: 'Loading products…' }}
            isEmpty={() => items.length === 0}
            empty={<EmptyState title={lowStock || query ? 'No products match' : 'No products yet'} />}
          >
            {() => (
              <StaleFrame stale={stale || products.isPlaceholderData}>
                <ProductsTable products={items} onWritten={canCommand ? onWritten : undefined} />
              </StaleFrame>
            )}
          </QueryStates>
          <CursorPager pages={pages} nextCursor={products.data?.data.nextCursor} busy={products.isFetching} />
        </CardContent>
      </Card>
    </>
  );
}
