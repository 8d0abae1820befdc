'use client';

import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';

export interface EventFilter {
  streamId: string;
  type: string;
  correlationId: string;
}
export const noFilter: EventFilter = { streamId: '', type: '', correlationId: '' };

const fields: { key: keyof EventFilter; label: string; placeholder: string }[] = [
  { key: 'streamId', label: 'Stream', placeholder: 'order-…, user-…, product-…' },
  { key: 'type', label: 'Event type', placeholder: 'OrderPlaced' },
  { key: 'correlationId', label: 'Correlation id', placeholder: 'uuid' },
];

export function EventFilters({ value, onChange }: { value: EventFilter; onChange: (f: EventFilter) => void }) {
  const any = Boolean(value.streamId || value.type || value.correlationId);
  return (
    <form role="search" aria-label="Filter events" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
      {fields.map((f) => (
        <Field key={f.key} label={f.label} htmlFor={`event-filter-${f.key}`} className="w-full sm:w-56">
          <Input
            id={`event-filter-${f.key}`}
            value={value[f.key]}
            placeholder={f.placeholder}
            autoComplete="off"
            className="font-mono text-xs"
            onChange={(e) => onChange({ ...value, [f.key]: e.target.value })}
          />
        </Field>
      ))}
      {any ? (
        <Button variant="ghost" className="h-9" onClick={() => onChange(noFilter)}>
          Clear filters
        </Button>
      ) : null}
    </form>
  );
}
