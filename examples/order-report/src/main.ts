import { randomUUID } from 'node:crypto';
import { createLedgerlineClient, type RouterOutputs } from '@ledgerline/client';

type OrderAnswer = RouterOutputs['orders']['get'];

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} (see README.md).`);
    process.exit(2);
  }
  return value;
}

const client = createLedgerlineClient({ url: required('LEDGERLINE_URL'), token: required('LEDGERLINE_TOKEN') });
const suffix = randomUUID().slice(0, 8);

const { userId } = await client.users.create.mutate({ email: `ada.${suffix}@example.com`, name: 'Ada Lovelace' });
console.log(`user     ${userId}`);

const { productId } = await client.catalog.createProduct.mutate({
  sku: `EX-${suffix}`,
  name: 'Analytical Engine manual',
  priceCents: 2599,
  stock: 10,
});
console.log(`product  ${productId}`);

const { orderId, position } = await client.orders.place.mutate({
  userId,
  items: [{ productId, quantity: 2 }],
  payment: { token: 'tok_ok' },
});
console.log(`order    ${orderId} (event position ${position})`);

// Read our own write: wait until the read model has applied the order's event.
const answer: OrderAnswer = await client.orders.get.query({ orderId, minPosition: position, waitMs: 10_000 });
console.log('orders.get ->');
console.log(JSON.stringify(answer, null, 2));
