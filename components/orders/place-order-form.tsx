'use client';

import { useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery } from '@tanstack/react-query';
import { ShoppingCart } from 'lucide-react';
import { useTRPC } from '@/lib/client/trpc';
import { orderQuantity, ORDER_LIMITS } from '@/server/domain/contracts';
import { newId } from '@/lib/client/uuid';
import { money } from '@/lib/client/format';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/input';
import { FormError } from '@/components/common/states';
import { CustomerPicker, type Customer } from './customer-picker';
import { OrderLinesEditor, type LineDraft } from './order-lines-editor';

/** Places an order, then opens it at the returned position to follow the saga. */
export function PlaceOrderForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const keys = useRef(1);
  const newKey = () => String(++keys.current);
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [lines, setLines] = useState<LineDraft[]>([{ key: '1', productId: '', quantity: '1' }]);
  const [token, setToken] = useState('tok_ok');
  const [problem, setProblem] = useState<string | null>(null);
  const products = useQuery(trpc.catalog.products.queryOptions({ limit: 200 }));
  const productList = products.data?.data.items ?? [];
  const place = useMutation(
    trpc.orders.place.mutationOptions({
      onSuccess: ({ orderId, position }) => router.push(`/orders/${orderId}?p=${position}`),
    }),
  );

  const estimate = lines.reduce((sum, l) => {
    const p = productList.find((x) => x.productId === l.productId);
    return sum + (p ? p.priceCents * (Number(l.quantity) || 0) : 0);
  }, 0);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setProblem(null);
    if (!customer) return setProblem('Choose a customer.');
    const items = lines.map((l) => ({ productId: l.productId, quantity: Number(l.quantity) }));
    if (items.some((i) => !i.productId)) return setProblem('Choose a product on every line.');
    if (items.some((i) => !orderQuantity.safeParse(i.quantity).success))
      return setProblem(`Quantities are whole numbers from ${ORDER_LIMITS.minQuantity} to ${ORDER_LIMITS.maxQuantity}.`);
    place.mutate({ userId: customer.userId, items, payment: { token: token.trim() }, commandId: newId() });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Place order</CardTitle>
      </CardHeader>
      <CardContent>
        <form aria-label="Place order" className="grid gap-4" onSubmit={submit} noValidate>
          {problem ? <Alert variant="destructive">{problem}</Alert> : <FormError error={place.error} />}
          {products.isError ? <FormError error={products.error} /> : null}
          <CustomerPicker value={customer} onChange={setCustomer} />
          <OrderLinesEditor lines={lines} products={productList} onChange={setLines} newKey={newKey} />
          <Field label="Payment token" htmlFor="payment-token" hint="tok_ok succeeds, tok_decline is declined, tok_slow answers late.">
            <Input
              id="payment-token"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              required
              maxLength={200}
              autoComplete="off"
              className="font-mono"
            />
          </Field>
          <p className="text-sm">
            Estimated total: <span className="font-semibold tabular-nums">{money(estimate)}</span>
            <span className="block text-xs text-muted-foreground">The server prices the order from current prices.</span>
          </p>
          <Button type="submit" disabled={place.isPending || place.isSuccess || products.isPending}>
            <ShoppingCart aria-hidden="true" /> {place.isPending ? 'Placing…' : 'Place order'}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
