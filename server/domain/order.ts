import type { EventOf } from './events';
import { badRequest, conflict, notFound } from './errors';
import { ORDER_LIMITS, type OrderStatus } from './contracts';

export { ORDER_LIMITS, type OrderStatus };
export interface OrderLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}
export interface OrderState {
  id: string;
  userId: string;
  status: OrderStatus;
  totalCents: number;
  currency: string;
  lines: OrderLine[];
  charged: boolean;
  reserved: boolean;
  refunded: boolean;
  cancelReason: string | null;
  /** The payment or the reservation was answered "no": the saga compensates, it never asks again. */
  paymentFailed: boolean;
  stockUnavailable: boolean;
}
/** What the handler loaded for each product of the order: its current price or current availability. */
export interface ProductInfo {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  available: number;
}

export type CancelReason = 'payment_failed' | 'out_of_stock' | 'payment_timeout' | 'inventory_timeout';

export type OrderCommand =
  | {
      type: 'PlaceOrder';
      data: {
        orderId: string;
        userId: string;
        items: { productId: string; quantity: number }[];
        currency: string;
        products: ProductInfo[];
      } & PaymentOf;
    }
  | { type: 'ProcessPayment'; data: { orderId: string; outcome: { ok: true; chargeId: string } | { ok: false; reason: string } } }
  | { type: 'ReserveInventory'; data: { orderId: string; products: ProductInfo[] } }
  | { type: 'CompleteOrder'; data: { orderId: string } }
  | { type: 'RefundPayment'; data: { orderId: string } }
  | { type: 'CancelOrder'; data: { orderId: string; reason: CancelReason } };

/**
 * How the order will be paid: a reference to the token (kept out of the event log, finding 8), or
 * — in orders recorded before that — the token itself, which only the events explorer redacts.
 */
type PaymentOf = { paymentRef: string; paymentToken?: undefined } | { paymentToken: string; paymentRef?: undefined };

export type OrderEvent = EventOf<
  | 'OrderPlaced'
  | 'PaymentProcessed'
  | 'PaymentFailed'
  | 'InventoryReserved'
  | 'InventoryUnavailable'
  | 'OrderCompleted'
  | 'PaymentRefunded'
  | 'OrderCancelled'
>;

function placeOrder(d: Extract<OrderCommand, { type: 'PlaceOrder' }>['data']): OrderEvent[] {
  const { minLines, maxLines, minQuantity, maxQuantity } = ORDER_LIMITS;
  if (d.items.length < minLines || d.items.length > maxLines)
    throw badRequest(`An order has ${minLines} to ${maxLines} lines; got ${d.items.length}`);
  const seen = new Set<string>();
  const byId = new Map(d.products.map((p) => [p.id, p]));
  const lines = d.items.map((item) => {
    if (!Number.isInteger(item.quantity) || item.quantity < minQuantity || item.quantity > maxQuantity) {
      throw badRequest(`Quantity must be a whole number from ${minQuantity} to ${maxQuantity}; got ${item.quantity}`);
    }
    if (seen.has(item.productId)) throw badRequest(`Product ${item.productId} appears on more than one line`);
    seen.add(item.productId);
    const p = byId.get(item.productId);
    if (!p) throw notFound(`Product ${item.productId} does not exist`);
    return { productId: p.id, sku: p.sku, name: p.name, quantity: item.quantity, unitPriceCents: p.priceCents };
  });
  const totalCents = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId: d.orderId,
        userId: d.userId,
        lines,
        totalCents,
        ...(d.paymentRef !== undefined ? { paymentRef: d.paymentRef } : { paymentToken: d.paymentToken }),
        currency: d.currency,
      },
    },
  ];
}

function requireOrder(state: OrderState | null, orderId: string): OrderState {
  if (!state) throw notFound(`Order ${orderId} does not exist`);
  return state;
}

export function decideOrder(command: OrderCommand, state: OrderState | null): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      if (state) throw conflict(`Order ${command.data.orderId} already exists`);
      return placeOrder(command.data);
    case 'ProcessPayment': {
      const o = requireOrder(state, command.data.orderId);
      if (o.status !== 'pending') throw conflict(`Order ${o.id} is ${o.status}; payment is taken only for a pending order`);
      if (o.paymentFailed) throw conflict(`Order ${o.id} already had its payment declined; it can only be cancelled`);
      const out = command.data.outcome;
      return out.ok
        ? [{ type: 'PaymentProcessed', data: { orderId: o.id, amountCents: o.totalCents, chargeId: out.chargeId } }]
        : [{ type: 'PaymentFailed', data: { orderId: o.id, reason: out.reason } }];
    }
    case 'ReserveInventory': {
      const o = requireOrder(state, command.data.orderId);
      if (o.status !== 'paid' || o.reserved) throw conflict(`Order ${o.id} is ${o.status}; stock is reserved only once, for a paid order`);
      if (o.stockUnavailable || o.refunded)
        throw conflict(`Order ${o.id} was already found short of stock or refunded; it can only be cancelled`);
      const byId = new Map(command.data.products.map((p) => [p.id, p]));
      const shortages = o.lines
        .map((l) => ({ productId: l.productId, requested: l.quantity, available: byId.get(l.productId)?.available ?? 0 }))
        .filter((s) => s.available < s.requested);
      return shortages.length > 0
        ? [{ type: 'InventoryUnavailable', data: { orderId: o.id, shortages } }]
        : [
            {
              type: 'InventoryReserved',
              data: { orderId: o.id, lines: o.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) },
            },
          ];
    }
    case 'CompleteOrder': {
      const o = requireOrder(state, command.data.orderId);
      if (o.status !== 'paid' || !o.reserved || o.refunded)
        throw conflict(`Order ${o.id} cannot complete: it must be paid, not refunded, with its stock reserved`);
      const lines = o.lines.map((l) => ({ productId: l.productId, name: l.name, quantity: l.quantity, unitPriceCents: l.unitPriceCents }));
      return [{ type: 'OrderCompleted', data: { orderId: o.id, userId: o.userId, totalCents: o.totalCents, currency: o.currency, lines } }];
    }
    case 'RefundPayment': {
      const o = requireOrder(state, command.data.orderId);
      if (!o.charged || o.refunded) throw conflict(`Order ${o.id} has no charge to refund`);
      if (o.status === 'completed') throw conflict(`Order ${o.id} is completed; it cannot be refunded by the saga`);
      return [{ type: 'PaymentRefunded', data: { orderId: o.id, amountCents: o.totalCents, currency: o.currency } }];
    }
    case 'CancelOrder': {
      const o = requireOrder(state, command.data.orderId);
      if (o.status === 'completed' || o.status === 'cancelled') throw conflict(`Order ${o.id} is already ${o.status}`);
      if (o.charged && !o.refunded) throw conflict(`Order ${o.id} must be refunded before it is cancelled`);
      const released = o.reserved ? o.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) : [];
      return [
        { type: 'OrderCancelled', data: { orderId: o.id, userId: o.userId, reason: command.data.reason, currency: o.currency, released } },
      ];
    }
    default: {
      const never: never = command;
      throw new Error(`Unknown command ${(never as { type: string }).type}`);
    }
  }
}

export function evolveOrder(state: OrderState | null, event: OrderEvent): OrderState | null {
  if (event.type === 'OrderPlaced') {
    const d = event.data;
    return {
      id: d.orderId,
      userId: d.userId,
      status: 'pending',
      totalCents: d.totalCents,
      currency: d.currency,
      lines: d.lines,
      charged: false,
      reserved: false,
      refunded: false,
      cancelReason: null,
      paymentFailed: false,
      stockUnavailable: false,
    };
  }
  if (!state) return state;
  switch (event.type) {
    case 'PaymentProcessed':
      return { ...state, status: 'paid', charged: true };
    case 'PaymentFailed':
      return { ...state, paymentFailed: true };
    case 'InventoryReserved':
      return { ...state, reserved: true };
    case 'InventoryUnavailable':
      return { ...state, stockUnavailable: true };
    case 'OrderCompleted':
      return { ...state, status: 'completed' };
    case 'PaymentRefunded':
      return { ...state, refunded: true };
    case 'OrderCancelled':
      return { ...state, status: 'cancelled', reserved: false, cancelReason: event.data.reason };
    default: {
      const never: never = event;
      return never;
    }
  }
}
