'use client';

import { useEffect, useState } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { ArrowDown, ArrowUp, Search } from 'lucide-react';
import { useTRPC, type RouterOutputs } from '@/lib/client/trpc';
import { useDebounced } from '@/lib/client/use-debounced';
import { useCanCommand } from '@/lib/client/session';
import { dateTime, moneyByCurrency } from '@/lib/client/format';
import { Card, CardContent } from '@/components/ui/card';
import { Input, Label } from '@/components/ui/input';
import { PageHeader } from '@/components/common/page-header';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { EmptyState, QueryStates } from '@/components/common/states';
import { CreateUserForm } from './create-user-form';

type UserRow = RouterOutputs['users']['list']['data']['items'][number];
type Sort = 'name' | 'joined' | 'orders' | 'spent';
const PAGE = 25;

const sortable: { key: Sort; label: string; numeric?: boolean; firstDir: 'asc' | 'desc'; title?: string }[] = [
  { key: 'name', label: 'Name', firstDir: 'asc' },
  { key: 'joined', label: 'Joined', firstDir: 'desc' },
  { key: 'orders', label: 'Orders', numeric: true, firstDir: 'desc' },
  // Shows every currency; sorts by the home currency (USD) part (users.list).
  {
    key: 'spent',
    label: 'Spent',
    numeric: true,
    firstDir: 'desc',
    title: 'Sorted by the amount in USD; other currencies are shown beside it, never added',
  },
];

export function UsersView() {
  const trpc = useTRPC();
  const canCommand = useCanCommand();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 250);
  const [sort, setSort] = useState<{ key: Sort; dir: 'asc' | 'desc' }>({ key: 'joined', dir: 'desc' });
  const [page, setPage] = useState(0);
  // A new search or sort starts again at the first page.
  useEffect(() => setPage(0), [query, sort.key, sort.dir]);

  const list = useQuery({
    ...trpc.users.list.queryOptions({ q: query || undefined, sort: sort.key, dir: sort.dir, limit: PAGE, offset: page * PAGE }),
    placeholderData: (prev) => prev,
  });
  const items: UserRow[] = list.data?.data.items ?? [];
  const total = list.data?.data.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const toggle = (key: Sort, firstDir: 'asc' | 'desc') =>
    setSort((cur) => (cur.key === key ? { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: firstDir }));

  return (
    <>
      <PageHeader title="Users" description="Every customer, newest first. Sort by a column; type to narrow the list by name or email." />
      <div className={canCommand ? 'grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]' : 'grid gap-6'}>
        <Card className="min-w-0">
          <CardContent className="flex flex-col gap-3 pt-4">
            <div className="grid gap-1.5">
              <Label htmlFor="user-search">Search users</Label>
              <div className="relative">
                <Search className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-muted-foreground" aria-hidden="true" />
                <Input
                  id="user-search"
                  type="search"
                  className="pl-8"
                  placeholder="Name or email"
                  value={q}
                  onChange={(e) => setQ(e.target.value)}
                  autoComplete="off"
                />
              </div>
            </div>
            <QueryStates
              query={list}
              data={list.data}
              loading={{ rows: 5, label: 'Loading users…' }}
              isEmpty={() => items.length === 0}
              empty={
                <EmptyState title={query ? `No users match “${query}”` : 'No users yet'}>
                  {query ? null : 'Create one, or load the demo data.'}
                </EmptyState>
              }
            >
              {() => (
                <div aria-busy={list.isPlaceholderData || undefined} className={list.isPlaceholderData ? 'opacity-60' : undefined}>
                  <Table data-testid="users-table">
                    <caption className="sr-only">Users</caption>
                    <TableHeader>
                      <TableRow>
                        {sortable.map((c) => (
                          <TableHead
                            key={c.key}
                            className={c.numeric ? 'text-right' : undefined}
                            aria-sort={sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                          >
                            <button
                              type="button"
                              className="inline-flex items-center gap-1 font-medium hover:underline"
                              title={c.title}
                              onClick={() => toggle(c.key, c.firstDir)}
                            >
                              {c.label}
                              {sort.key === c.key ? (
                                sort.dir === 'asc' ? (
                                  <ArrowUp className="size-3" aria-hidden="true" />
                                ) : (
                                  <ArrowDown className="size-3" aria-hidden="true" />
                                )
                              ) : null}
                            </button>
                          </TableHead>
                        ))}
                        <TableHead>Email</TableHead>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {items.map((u) => (
                        <TableRow key={u.userId}>
                          <TableCell>
                            <Link className="font-medium text-primary hover:underline" href={`/users/${u.userId}`}>
                              {u.name}
                            </Link>
                          </TableCell>
                          <TableCell className="text-xs">{dateTime(u.memberSince)}</TableCell>
                          <TableCell className="text-right tabular-nums" data-column="orders">
                            {u.totalOrders}
                          </TableCell>
                          <TableCell className="text-right tabular-nums" data-column="spent">
                            {moneyByCurrency(u.spentByCurrency)}
                          </TableCell>
                          <TableCell>{u.email}</TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </div>
              )}
            </QueryStates>
            <nav aria-label="Pages" className="flex items-center justify-between gap-2 text-sm">
              <span className="text-muted-foreground" data-testid="users-count">
                {total} {total === 1 ? 'user' : 'users'} · page {Math.min(page + 1, pages)} of {pages}
              </span>
              <div className="flex gap-2">
                <Button
                  size="sm"
                  variant="outline"
                  disabled={page === 0 || list.isFetching}
                  onClick={() => setPage((p) => Math.max(0, p - 1))}
                >
                  Previous
                </Button>
                <Button size="sm" variant="outline" disabled={page + 1 >= pages || list.isFetching} onClick={() => setPage((p) => p + 1)}>
                  Next
                </Button>
              </div>
            </nav>
          </CardContent>
        </Card>
        {canCommand ? (
          <div>
            <CreateUserForm />
          </div>
        ) : null}
      </div>
    </>
  );
}
