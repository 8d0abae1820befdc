'use client';

import { useState } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { Search } from 'lucide-react';
import { useTRPC, type RouterOutputs } from '@/lib/client/trpc';
import { useDebounced } from '@/lib/client/use-debounced';
import { useCanCommand } from '@/lib/client/session';
import { dateTime } from '@/lib/client/format';
import { Card, CardContent } from '@/components/ui/card';
import { Input, Label } from '@/components/ui/input';
import { PageHeader } from '@/components/common/page-header';
import { DataTable } from '@/components/common/data-table';
import { CursorPager, useCursorPages } from '@/components/common/cursor-pager';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/common/states';
import { CreateUserForm } from './create-user-form';

type UserRow = RouterOutputs['users']['search']['data']['items'][number];

const columns: ColumnDef<UserRow, unknown>[] = [
  { header: 'Name', accessorKey: 'name', cell: ({ row }) => <Link className="font-medium text-primary hover:underline" href={`/users/${row.original.userId}`}>{row.original.name}</Link> },
  { header: 'Email', accessorKey: 'email' },
  { header: 'Member since', accessorKey: 'memberSince', cell: ({ row }) => dateTime(row.original.memberSince) },
];

export function UsersView() {
  const trpc = useTRPC();
  const canCommand = useCanCommand();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 250);
  const pages = useCursorPages(query);

  const search = useQuery({
    ...trpc.users.search.queryOptions({ q: query, limit: 20, cursor: pages.cursor }),
    enabled: query.length > 0,
    placeholderData: (prev) => prev,
  });
  const items = search.data?.data.items ?? [];

  return (
    <>
      <PageHeader title="Users" description="Search by name or email; results update as you type." />
      <div className={canCommand ? 'grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]' : 'grid gap-6'}>
        <Card className="min-w-0">
          <CardContent className="flex flex-col gap-3 pt-4">
            <div className="grid gap-1.5">
              <Label htmlFor="user-search">Search users</Label>
              <div className="relative">
                <Search className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-muted-foreground" aria-hidden="true" />
                <Input id="user-search" type="search" className="pl-8" placeholder="Name or email" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
              </div>
            </div>
            {!query ? (
              <EmptyState title="Type a name or email to find users">Words and prefixes match, best first.</EmptyState>
            ) : search.isError ? (
              <ErrorState error={search.error} onRetry={() => search.refetch()} />
            ) : search.isPending ? (
              <LoadingBlock rows={5} label="Searching…" />
            ) : items.length === 0 ? (
              <EmptyState title={`No users match “${query}”`} />
            ) : (
              <div aria-busy={search.isPlaceholderData || undefined} className={search.isPlaceholderData ? 'opacity-60' : undefined}>
                <DataTable columns={columns} data={items} rowId={(u) => u.userId} caption="Users" testId="users-table" />
              </div>
            )}
            {query ? <CursorPager pages={pages} nextCursor={search.data?.data.nextCursor} busy={search.isFetching} /> : null}
          </CardContent>
        </Card>
        {canCommand ? <div><CreateUserForm /></div> : null}
      </div>
    </>
  );
}
