'use client';

import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { ORDER_STATUSES, type OrderStatus } from '@/server/domain/contracts';

export interface OrderFilter {
  status?: OrderStatus;
  from?: string;
  to?: string;
}

export function OrderFilters({ value, onChange }: { value: OrderFilter; onChange: (f: OrderFilter) => void }) {
  const set = (patch: Partial<OrderFilter>) => onChange({ ...value, ...patch });
  const any = Boolean(value.status || value.from || value.to);
  return (
    <form role="search" aria-label="Filter orders" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
      <Field label="Status" htmlFor="order-status-filter">
        <Select
          id="order-status-filter"
          className="w-40"
          value={value.status ?? ''}
          onChange={(e) => set({ status: (e.target.value || undefined) as OrderStatus | undefined })}
        >
          <option value="">All statuses</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Placed from" htmlFor="order-from-filter">
        <Input
          id="order-from-filter"
          type="date"
          className="w-40"
          value={value.from ?? ''}
          max={value.to}
          onChange={(e) => set({ from: e.target.value || undefined })}
        />
      </Field>
      <Field label="Placed to" htmlFor="order-to-filter">
        <Input
          id="order-to-filter"
          type="date"
          className="w-40"
          value={value.to ?? ''}
          min={value.from}
          onChange={(e) => set({ to: e.target.value || undefined })}
        />
      </Field>
      {any ? (
        <Button variant="ghost" className="h-9" onClick={() => onChange({})}>
          Clear filters
        </Button>
      ) : null}
    </form>
  );
}
