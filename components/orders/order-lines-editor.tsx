'use client';

import { Plus, Trash2 } from 'lucide-react';
import { money } from '@/lib/client/format';
import type { RouterOutputs } from '@/lib/client/trpc';
import { Button } from '@/components/ui/button';
import { Input, Label } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { ORDER_LIMITS } from '@/server/domain/contracts';

export interface LineDraft {
  key: string;
  productId: string;
  quantity: string;
}
export type ProductOption = Pick<
  RouterOutputs['catalog']['products']['data']['items'][number],
  'productId' | 'sku' | 'name' | 'priceCents' | 'available'
>;

/** Product lines of a new order: a product and a quantity each; at least one line. */
export function OrderLinesEditor({
  lines,
  products,
  onChange,
  newKey,
}: {
  lines: LineDraft[];
  products: ProductOption[];
  onChange: (lines: LineDraft[]) => void;
  newKey: () => string;
}) {
  const update = (key: string, patch: Partial<LineDraft>) => onChange(lines.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  return (
    <fieldset className="grid gap-2">
      <legend className="mb-1 text-sm font-medium">Products</legend>
      {lines.map((line, i) => (
        <div key={line.key} className="grid grid-cols-[minmax(0,1fr)_5rem_auto] items-end gap-2" data-testid="order-line">
          <div className="grid min-w-0 gap-1">
            <Label htmlFor={`line-${line.key}-product`} className="text-xs">
              Product {i + 1}
            </Label>
            <Select
              id={`line-${line.key}-product`}
              value={line.productId}
              onChange={(e) => update(line.key, { productId: e.target.value })}
              required
            >
              <option value="">Choose a product…</option>
              {products.map((p) => (
                <option key={p.productId} value={p.productId}>
                  {p.name} ({p.sku}) · {money(p.priceCents)} · {p.available} available
                </option>
              ))}
            </Select>
          </div>
          <div className="grid gap-1">
            <Label htmlFor={`line-${line.key}-qty`} className="text-xs">
              Quantity
            </Label>
            <Input
              id={`line-${line.key}-qty`}
              type="number"
              inputMode="numeric"
              min={ORDER_LIMITS.minQuantity}
              max={ORDER_LIMITS.maxQuantity}
              step={1}
              value={line.quantity}
              onChange={(e) => update(line.key, { quantity: e.target.value })}
              required
            />
          </div>
          <Button
            variant="ghost"
            size="icon"
            aria-label={`Remove line ${i + 1}`}
            disabled={lines.length === 1}
            onClick={() => onChange(lines.filter((l) => l.key !== line.key))}
          >
            <Trash2 aria-hidden="true" />
          </Button>
        </div>
      ))}
      <div>
        <Button
          variant="outline"
          size="sm"
          disabled={lines.length >= ORDER_LIMITS.maxLines}
          onClick={() => onChange([...lines, { key: newKey(), productId: '', quantity: '1' }])}
        >
          <Plus aria-hidden="true" /> Add product
        </Button>
      </div>
    </fieldset>
  );
}
