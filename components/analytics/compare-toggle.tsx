'use client';

import { Field } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import type { Comparison } from '@/lib/client/use-range-params';

/** Whether KPIs show their change against the previous period of the same length. */
export function CompareToggle({ value, onChange }: { value: Comparison; onChange: (c: Comparison) => void }) {
  return (
    <Field label="Compare with" htmlFor="compare-select">
      <Select
        id="compare-select"
        className="w-48"
        value={value}
        onChange={(e) => onChange(e.target.value === 'none' ? 'none' : 'previous')}
      >
        <option value="previous">Previous period</option>
        <option value="none">No comparison</option>
      </Select>
    </Field>
  );
}
