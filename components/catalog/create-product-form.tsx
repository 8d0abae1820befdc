'use client';

import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { PackagePlus } from 'lucide-react';
import { useTRPC } from '@/lib/client/trpc';
import { newId } from '@/lib/client/uuid';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Field, Input } from '@/components/ui/input';
import { FormError } from '@/components/common/states';
import { parseCents } from './money-input';

/** "Create product" opens a dialog with the form; the table gets the page's full width. */
export function CreateProductDialog({ onWritten }: { onWritten: (position: number) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>
          <PackagePlus aria-hidden="true" /> New product
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Create product</DialogTitle>
          <DialogDescription>SKU and name as they appear on orders; price in US dollars.</DialogDescription>
        </DialogHeader>
        <CreateProductForm
          onWritten={(p) => {
            setOpen(false);
            onWritten(p);
          }}
        />
      </DialogContent>
    </Dialog>
  );
}

function CreateProductForm({ onWritten }: { onWritten: (position: number) => void }) {
  const trpc = useTRPC();
  const empty = { sku: '', name: '', price: '', stock: '0' };
  const [form, setForm] = useState(empty);
  const [problem, setProblem] = useState<string | null>(null);
  const create = useMutation(
    trpc.catalog.createProduct.mutationOptions({
      onSuccess: ({ position }) => {
        setForm(empty);
        onWritten(position);
      },
    }),
  );
  const set = (k: keyof typeof empty) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setForm({ ...form, [k]: e.target.value });
    create.reset();
  };

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setProblem(null);
    const priceCents = parseCents(form.price);
    const stock = Number(form.stock);
    if (priceCents === null) return setProblem('Price is an amount greater than zero, like 12.99.');
    if (!Number.isInteger(stock) || stock < 0) return setProblem('Stock is a whole number, zero or more.');
    create.mutate({ sku: form.sku, name: form.name, priceCents, stock, commandId: newId() });
  }

  return (
    <form aria-label="Create product" className="grid gap-3" onSubmit={submit} noValidate>
      {problem ? <Alert variant="destructive">{problem}</Alert> : <FormError error={create.error} />}
      <Field label="SKU" htmlFor="product-sku">
        <Input id="product-sku" value={form.sku} onChange={set('sku')} required maxLength={64} autoComplete="off" className="font-mono" />
      </Field>
      <Field label="Name" htmlFor="product-name">
        <Input id="product-name" value={form.name} onChange={set('name')} required maxLength={200} autoComplete="off" />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Price (USD)" htmlFor="product-price">
          <Input id="product-price" inputMode="decimal" placeholder="12.99" value={form.price} onChange={set('price')} required />
        </Field>
        <Field label="Initial stock" htmlFor="product-stock">
          <Input
            id="product-stock"
            type="number"
            inputMode="numeric"
            min={0}
            step={1}
            value={form.stock}
            onChange={set('stock')}
            required
          />
        </Field>
      </div>
      <Button type="submit" disabled={create.isPending}>
        <PackagePlus aria-hidden="true" /> {create.isPending ? 'Creating…' : 'Create product'}
      </Button>
    </form>
  );
}
