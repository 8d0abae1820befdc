'use client';

import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/lib/client/trpc';
import { newId } from '@/lib/client/uuid';
import { money } from '@/lib/client/format';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Field, Input } from '@/components/ui/input';
import { FormError } from '@/components/common/states';
import { parseCents } from './money-input';

type Product = Pick<RouterOutputs['catalog']['products']['data']['items'][number], 'productId' | 'name' | 'sku' | 'priceCents'>;

/** Change price and restock, each in a small dialog; `onWritten` gets the command's position. */
export function ProductActions({ product, onWritten }: { product: Product; onWritten: (position: number) => void }) {
  return (
    <div className="flex gap-1">
      <ChangePriceDialog product={product} onWritten={onWritten} />
      <RestockDialog product={product} onWritten={onWritten} />
    </div>
  );
}

function ChangePriceDialog({ product, onWritten }: { product: Product; onWritten: (p: number) => void }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [price, setPrice] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const change = useMutation(
    trpc.catalog.changePrice.mutationOptions({
      onSuccess: ({ position }) => {
        setOpen(false);
        onWritten(position);
      },
    }),
  );
  const id = `price-${product.productId}`;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) {
          setPrice((product.priceCents / 100).toFixed(2));
          setProblem(null);
          change.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline" size="sm" aria-label={`Change price of ${product.name}`}>
          Price
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Change price</DialogTitle>
          <DialogDescription>
            {product.name} ({product.sku}), now {money(product.priceCents)}
          </DialogDescription>
        </DialogHeader>
        <form
          className="grid gap-3"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const cents = parseCents(price);
            if (cents === null) return setProblem('Price is an amount greater than zero, like 12.99.');
            change.mutate({ productId: product.productId, priceCents: cents, commandId: newId() });
          }}
        >
          {problem ? <Alert variant="destructive">{problem}</Alert> : <FormError error={change.error} />}
          <Field label="New price (USD)" htmlFor={id}>
            <Input id={id} inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} required autoFocus />
          </Field>
          <Button type="submit" disabled={change.isPending}>
            {change.isPending ? 'Saving…' : 'Save price'}
          </Button>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function RestockDialog({ product, onWritten }: { product: Product; onWritten: (p: number) => void }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [qty, setQty] = useState('10');
  const [problem, setProblem] = useState<string | null>(null);
  const restock = useMutation(
    trpc.catalog.restock.mutationOptions({
      onSuccess: ({ position }) => {
        setOpen(false);
        onWritten(position);
      },
    }),
  );
  const id = `restock-${product.productId}`;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) {
          setProblem(null);
          restock.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline" size="sm" aria-label={`Restock ${product.name}`}>
          Restock
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Restock</DialogTitle>
          <DialogDescription>
            {product.name} ({product.sku})
          </DialogDescription>
        </DialogHeader>
        <form
          className="grid gap-3"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const quantity = Number(qty);
            if (!Number.isInteger(quantity) || quantity < 1) return setProblem('Quantity is a whole number greater than zero.');
            restock.mutate({ productId: product.productId, quantity, commandId: newId() });
          }}
        >
          {problem ? <Alert variant="destructive">{problem}</Alert> : <FormError error={restock.error} />}
          <Field label="Quantity to add" htmlFor={id}>
            <Input
              id={id}
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              value={qty}
              onChange={(e) => setQty(e.target.value)}
              required
              autoFocus
            />
          </Field>
          <Button type="submit" disabled={restock.isPending}>
            {restock.isPending ? 'Saving…' : 'Restock'}
          </Button>
        </form>
      </DialogContent>
    </Dialog>
  );
}
