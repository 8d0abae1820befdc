'use client';

import { useId } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';
import { daysAgo, today } from '@/lib/client/days';

export interface DayRange {
  from: string;
  to: string;
}

export const lastDays = (n: number): DayRange => ({ from: daysAgo(n - 1), to: today() });

/** Two native date inputs plus quick ranges. Empty or reversed input is ignored, not sent. */
export function DateRangePicker({
  value,
  onChange,
  presets = [7, 30, 90],
}: {
  value: DayRange;
  onChange: (r: DayRange) => void;
  presets?: number[];
}) {
  const id = useId();
  const set = (patch: Partial<DayRange>) => {
    const next = { ...value, ...patch };
    if (next.from && next.to && next.from <= next.to) onChange(next);
  };
  return (
    <fieldset className="flex flex-wrap items-end gap-3">
      <legend className="sr-only">Date range</legend>
      <Field label="From" htmlFor={`${id}-from`}>
        <Input
          id={`${id}-from`}
          type="date"
          value={value.from}
          max={value.to}
          onChange={(e) => set({ from: e.target.value })}
          className="w-40"
        />
      </Field>
      <Field label="To" htmlFor={`${id}-to`}>
        <Input
          id={`${id}-to`}
          type="date"
          value={value.to}
          min={value.from}
          onChange={(e) => set({ to: e.target.value })}
          className="w-40"
        />
      </Field>
      <div className="flex gap-1" role="group" aria-label="Quick ranges">
        {presets.map((n) => (
          <Button key={n} variant="outline" size="sm" className="h-9" onClick={() => onChange(lastDays(n))}>
            {n} days
          </Button>
        ))}
      </div>
    </fieldset>
  );
}
