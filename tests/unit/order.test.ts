import { describe, expect, it } from 'vitest';
import {
  decideOrder,
  evolveOrder,
  ORDER_LIMITS,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
  type ProductInfo,
} from '@/server/domain/order';
import { deciderSpec } from './support/decider-spec';

const orderId = '33333333-3333-4333-8333-333333333333';
const userId = '11111111-1111-4111-8111-111111111111';
const mug: ProductInfo = { id: 'aaaaaaaa-0000-4000-8000-000000000001', sku: 'MUG', name: 'Mug', priceCents: 1200, available: 10 };
const tea: ProductInfo = { id: 'aaaaaaaa-0000-4000-8000-000000000002', sku: 'TEA', name: 'Tea', priceCents: 450, available: 3 };
const productId = (i: number) => `bbbbbbbb-0000-4000-8000-${String(i).padStart(12, '0')}`;

const given = deciderSpec<OrderCommand, OrderEvent, OrderState>({ decide: decideOrder, evolve: evolveOrder });

const place = (items: { productId: string; quantity: number }[], products: ProductInfo[] = [mug, tea]): OrderCommand => ({
  type: 'PlaceOrder',
  data: { orderId, userId, items, paymentToken: 'tok_ok', currency: 'USD', products },
});

// The events of the saga's paths, to build each state from.
const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId,
    userId,
    paymentToken: 'tok_ok',
    currency: 'USD',
    totalCents: 2 * 1200 + 450,
    lines: [
      { productId: mug.id, sku: 'MUG', name: 'Mug', quantity: 2, unitPriceCents: 1200 },
      { productId: tea.id, sku: 'TEA', name: 'Tea', quantity: 1, unitPriceCents: 450 },
    ],
  },
};
const paid: OrderEvent = { type: 'PaymentProcessed', data: { orderId, amountCents: 2850, chargeId: 'ch_1' } };
const declined: OrderEvent = { type: 'PaymentFailed', data: { orderId, reason: 'declined' } };
const reserved: OrderEvent = {
  type: 'InventoryReserved',
  data: {
    orderId,
    lines: [
      { productId: mug.id, quantity: 2 },
      { productId: tea.id, quantity: 1 },
    ],
  },
};
const unavailable: OrderEvent = {
  type: 'InventoryUnavailable',
  data: { orderId, shortages: [{ productId: tea.id, requested: 1, available: 0 }] },
};
const completed: OrderEvent = {
  type: 'OrderCompleted',
  data: {
    orderId,
    userId,
    totalCents: 2850,
    currency: 'USD',
    lines: [
      { productId: mug.id, name: 'Mug', quantity: 2, unitPriceCents: 1200 },
      { productId: tea.id, name: 'Tea', quantity: 1, unitPriceCents: 450 },
    ],
  },
};
const refunded: OrderEvent = { type: 'PaymentRefunded', data: { orderId, amountCents: 2850, currency: 'USD' } };
const cancelled = (reason: string, released: { productId: string; quantity: number }[] = []): OrderEvent => ({
  type: 'OrderCancelled',
  data: { orderId, userId, reason, currency: 'USD', released },
});

const processOk: OrderCommand = { type: 'ProcessPayment', data: { orderId, outcome: { ok: true, chargeId: 'ch_1' } } };
const processFail: OrderCommand = { type: 'ProcessPayment', data: { orderId, outcome: { ok: false, reason: 'declined' } } };
const reserve = (products: ProductInfo[] = [mug, tea]): OrderCommand => ({ type: 'ReserveInventory', data: { orderId, products } });
const complete: OrderCommand = { type: 'CompleteOrder', data: { orderId } };
const refund: OrderCommand = { type: 'RefundPayment', data: { orderId } };
const cancel = (reason: 'payment_failed' | 'out_of_stock' | 'payment_timeout' | 'inventory_timeout'): OrderCommand => ({
  type: 'CancelOrder',
  data: { orderId, reason },
});

describe('order decider', () => {
  describe('PlaceOrder', () => {
    it('given no order, records OrderPlaced with lines and total at the current prices', () => {
      given()
        .when(
          place([
            { productId: mug.id, quantity: 2 },
            { productId: tea.id, quantity: 1 },
          ]),
        )
        .then([placed]);
    });

    it('uses the price it is given now, whatever the order would have cost before', () => {
      const [event] = decideOrder(place([{ productId: mug.id, quantity: 3 }], [{ ...mug, priceCents: 999 }]), null);
      expect(event).toMatchObject({ type: 'OrderPlaced', data: { totalCents: 2997, lines: [{ unitPriceCents: 999, quantity: 3 }] } });
    });

    it('keeps the currency it is given', () => {
      const [event] = decideOrder(
        {
          ...place([{ productId: mug.id, quantity: 1 }]),
          data: { ...(place([{ productId: mug.id, quantity: 1 }]).data as object), currency: 'EUR' },
        } as OrderCommand,
        null,
      );
      expect(event).toMatchObject({ type: 'OrderPlaced', data: { currency: 'EUR' } });
    });

    it('given the order exists, is a CONFLICT', () => {
      given(placed)
        .when(place([{ productId: mug.id, quantity: 1 }]))
        .thenFails('CONFLICT', /already exists/);
    });

    it('refuses an order with no lines', () => {
      given()
        .when(place([]))
        .thenFails('BAD_REQUEST', /1 to 50 lines; got 0/);
    });

    it(`accepts ${ORDER_LIMITS.maxLines} lines and refuses ${ORDER_LIMITS.maxLines + 1}`, () => {
      const products = Array.from({ length: 51 }, (_, i): ProductInfo => ({
        id: productId(i),
        sku: `P${i}`,
        name: `P${i}`,
        priceCents: 100,
        available: 5,
      }));
      const items = products.map((p) => ({ productId: p.id, quantity: 1 }));
      const [event] = decideOrder(place(items.slice(0, 50), products), null);
      expect(event).toMatchObject({ type: 'OrderPlaced', data: { totalCents: 5000 } });
      given()
        .when(place(items, products))
        .thenFails('BAD_REQUEST', /got 51/);
    });

    it.each([0, -1, 1001, 1.5])('refuses quantity %s', (quantity) => {
      given()
        .when(place([{ productId: mug.id, quantity }]))
        .thenFails('BAD_REQUEST', /Quantity must be a whole number from 1 to 1000/);
    });

    it('accepts quantity 1000', () => {
      const [event] = decideOrder(place([{ productId: tea.id, quantity: 1000 }]), null);
      expect(event).toMatchObject({ data: { totalCents: 450_000 } });
    });

    it('refuses the same product on two lines', () => {
      given()
        .when(
          place([
            { productId: mug.id, quantity: 1 },
            { productId: mug.id, quantity: 2 },
          ]),
        )
        .thenFails('BAD_REQUEST', /more than one line/);
    });

    it('refuses an unknown product with NOT_FOUND', () => {
      given()
        .when(
          place([
            { productId: mug.id, quantity: 1 },
            { productId: productId(99), quantity: 1 },
          ]),
        )
        .thenFails('NOT_FOUND', /does not exist/);
    });
  });

  describe('ProcessPayment', () => {
    it('given a pending order, a successful charge records PaymentProcessed for the order total', () => {
      given(placed).when(processOk).then([paid]);
    });

    it('given a pending order, a declined charge records PaymentFailed', () => {
      given(placed).when(processFail).then([declined]);
    });

    it('given no order, is NOT_FOUND', () => {
      given().when(processOk).thenFails('NOT_FOUND');
    });

    it.each([
      ['already paid', [placed, paid]],
      ['whose payment already failed', [placed, declined]],
      ['completed', [placed, paid, reserved, completed]],
      ['cancelled', [placed, declined, cancelled('payment_failed')]],
    ] as const)('given an order %s, is a CONFLICT', (_, history) => {
      given(...history)
        .when(processOk)
        .thenFails('CONFLICT');
    });
  });

  describe('ReserveInventory', () => {
    it('given a paid order and enough stock, records InventoryReserved for every line', () => {
      given(placed, paid).when(reserve()).then([reserved]);
    });

    it('given a paid order and a line short of stock, records InventoryUnavailable with the shortages', () => {
      given(placed, paid)
        .when(reserve([mug, { ...tea, available: 0 }]))
        .then([unavailable]);
    });

    it('counts a product it was not told about as out of stock', () => {
      given(placed, paid)
        .when(reserve([mug]))
        .then([{ type: 'InventoryUnavailable', data: { orderId, shortages: [{ productId: tea.id, requested: 1, available: 0 }] } }]);
    });

    it('given no order, is NOT_FOUND', () => {
      given().when(reserve()).thenFails('NOT_FOUND');
    });

    it.each([
      ['pending (not paid)', [placed]],
      ['already reserved', [placed, paid, reserved]],
      ['found short of stock', [placed, paid, unavailable]],
      ['refunded', [placed, paid, unavailable, refunded]],
      ['completed', [placed, paid, reserved, completed]],
      ['cancelled', [placed, declined, cancelled('payment_failed')]],
    ] as const)('given an order %s, is a CONFLICT', (_, history) => {
      given(...history)
        .when(reserve())
        .thenFails('CONFLICT');
    });
  });

  describe('CompleteOrder', () => {
    it('given a paid order with its stock reserved, records OrderCompleted', () => {
      given(placed, paid, reserved).when(complete).then([completed]);
    });

    it('given no order, is NOT_FOUND', () => {
      given().when(complete).thenFails('NOT_FOUND');
    });

    it.each([
      ['pending', [placed]],
      ['paid but not reserved', [placed, paid]],
      ['already completed', [placed, paid, reserved, completed]],
      ['reserved but refunded', [placed, paid, reserved, refunded]],
      ['cancelled', [placed, paid, unavailable, refunded, cancelled('out_of_stock')]],
    ] as const)('given an order %s, is a CONFLICT', (_, history) => {
      given(...history)
        .when(complete)
        .thenFails('CONFLICT');
    });
  });

  describe('RefundPayment', () => {
    it('given a charged order found short of stock, records PaymentRefunded for the total', () => {
      given(placed, paid, unavailable).when(refund).then([refunded]);
    });

    it('given no order, is NOT_FOUND', () => {
      given().when(refund).thenFails('NOT_FOUND');
    });

    it.each([
      ['never charged (pending)', [placed]],
      ['whose payment failed', [placed, declined]],
      ['already refunded', [placed, paid, unavailable, refunded]],
      ['completed', [placed, paid, reserved, completed]],
      ['cancelled after a failed payment', [placed, declined, cancelled('payment_failed')]],
    ] as const)('given an order %s, is a CONFLICT', (_, history) => {
      given(...history)
        .when(refund)
        .thenFails('CONFLICT');
    });
  });

  describe('CancelOrder', () => {
    it('given a failed payment, records OrderCancelled with nothing released', () => {
      given(placed, declined)
        .when(cancel('payment_failed'))
        .then([cancelled('payment_failed')]);
    });

    it('given a refund after a shortage, records OrderCancelled out_of_stock with nothing released', () => {
      given(placed, paid, unavailable, refunded)
        .when(cancel('out_of_stock'))
        .then([cancelled('out_of_stock')]);
    });

    it('given a pending order whose payment timed out, cancels it', () => {
      given(placed)
        .when(cancel('payment_timeout'))
        .then([cancelled('payment_timeout')]);
    });

    it('given reserved stock that was refunded, releases the reserved lines', () => {
      given(placed, paid, reserved, refunded)
        .when(cancel('inventory_timeout'))
        .then([
          cancelled('inventory_timeout', [
            { productId: mug.id, quantity: 2 },
            { productId: tea.id, quantity: 1 },
          ]),
        ]);
    });

    it('given no order, is NOT_FOUND', () => {
      given().when(cancel('payment_failed')).thenFails('NOT_FOUND');
    });

    it('given a completed order, is a CONFLICT', () => {
      given(placed, paid, reserved, completed)
        .when(cancel('payment_timeout'))
        .thenFails('CONFLICT', /already completed/);
    });

    it('given a cancelled order, is a CONFLICT', () => {
      given(placed, declined, cancelled('payment_failed'))
        .when(cancel('payment_failed'))
        .thenFails('CONFLICT', /already cancelled/);
    });

    it('given a charge not yet refunded, is a CONFLICT', () => {
      given(placed, paid, unavailable)
        .when(cancel('out_of_stock'))
        .thenFails('CONFLICT', /must be refunded/);
    });
  });

  describe('evolve', () => {
    it('follows the happy path to completed', () => {
      expect(given(placed).state).toMatchObject({ status: 'pending', totalCents: 2850, currency: 'USD', charged: false });
      expect(given(placed, paid).state).toMatchObject({ status: 'paid', charged: true, reserved: false });
      expect(given(placed, paid, reserved).state).toMatchObject({ status: 'paid', reserved: true });
      expect(given(placed, paid, reserved, completed).state).toMatchObject({ status: 'completed' });
    });

    it('follows the out-of-stock path to cancelled with the reason', () => {
      expect(given(placed, paid, unavailable, refunded, cancelled('out_of_stock')).state).toMatchObject({
        status: 'cancelled',
        charged: true,
        refunded: true,
        reserved: false,
        cancelReason: 'out_of_stock',
      });
    });

    it('ignores events of an order that does not exist', () => {
      expect(evolveOrder(null, paid)).toBeNull();
    });
  });
});
