'use client';

import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/lib/client/trpc';
import { useDebounced } from '@/lib/client/use-debounced';
import { Button } from '@/components/ui/button';
import { Input, Label } from '@/components/ui/input';

export type Customer = Pick<RouterOutputs['users']['search']['data']['items'][number], 'userId' | 'name' | 'email'>;

/** Finds a customer with users.search as you type; the choice is shown with a way to change it. */
export function CustomerPicker({ value, onChange }: { value: Customer | null; onChange: (c: Customer | null) => void }) {
  const trpc = useTRPC();
  const id = useId();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 250);
  const results = useQuery({ ...trpc.users.search.queryOptions({ q: query, limit: 8 }), enabled: !value && query.length > 0 });

  if (value) {
    return (
      <div className="grid gap-1.5">
        <span className="text-sm font-medium">Customer</span>
        <div
          className="flex items-center justify-between gap-2 rounded-md border bg-muted/40 px-3 py-2 text-sm"
          data-testid="selected-customer"
        >
          <span className="min-w-0 truncate">
            <span className="font-medium">{value.name}</span> · {value.email}
          </span>
          <Button variant="ghost" size="sm" onClick={() => onChange(null)}>
            Change
          </Button>
        </div>
      </div>
    );
  }

  const items = results.data?.data.items ?? [];
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={`${id}-q`}>Customer</Label>
      <Input
        id={`${id}-q`}
        type="search"
        placeholder="Search by name or email"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        autoComplete="off"
        aria-describedby={`${id}-status`}
      />
      <p id={`${id}-status`} className="text-xs text-muted-foreground" aria-live="polite">
        {!query
          ? 'Type to find a customer.'
          : results.isFetching
            ? 'Searching…'
            : results.isError
              ? 'Search failed.'
              : `${items.length} found`}
      </p>
      {items.length > 0 ? (
        <ul className="grid max-h-56 gap-1 overflow-y-auto rounded-md border p-1" aria-label="Matching customers">
          {items.map((u) => (
            <li key={u.userId}>
              <button
                type="button"
                className="w-full rounded px-2 py-1.5 text-left text-sm hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
                onClick={() => {
                  onChange({ userId: u.userId, name: u.name, email: u.email });
                  setQ('');
                }}
              >
                <span className="font-medium">{u.name}</span> <span className="text-muted-foreground">{u.email}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
