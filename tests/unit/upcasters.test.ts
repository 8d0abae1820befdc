import { describe, expect, it } from 'vitest';
import { upcast } from '@/server/domain/upcasters';
import { currentVersion, eventSchemas } from '@/server/domain/events';

const orderId = '33333333-3333-4333-8333-333333333333';
const userId = '11111111-1111-4111-8111-111111111111';
const line = { productId: 'aaaaaaaa-0000-4000-8000-000000000001', sku: 'MUG', name: 'Mug', quantity: 2, unitPriceCents: 1200 };
const v1 = { orderId, userId, lines: [line], totalCents: 2400, paymentToken: 'tok_ok' };

describe('upcast', () => {
  it('given OrderPlaced stored at v1, returns it at v2 with currency USD and every other field unchanged', () => {
    expect(currentVersion('OrderPlaced')).toBe(2);
    const event = upcast('OrderPlaced', 1, v1);
    expect(event).toEqual({ type: 'OrderPlaced', data: { ...v1, currency: 'USD' } });
    expect(eventSchemas.OrderPlaced[2].safeParse(event.data).success).toBe(true);
  });

  it('does not change the stored object', () => {
    const stored = structuredClone(v1);
    upcast('OrderPlaced', 1, stored);
    expect(stored).toEqual(v1);
  });

  it('given OrderPlaced at v2, keeps its own currency', () => {
    expect(upcast('OrderPlaced', 2, { ...v1, currency: 'EUR' })).toEqual({ type: 'OrderPlaced', data: { ...v1, currency: 'EUR' } });
  });

  it('given an event type with one version, returns its data as parsed', () => {
    const data = { userId, email: 'ada@example.com', name: 'Ada' };
    expect(upcast('UserCreated', 1, data)).toEqual({ type: 'UserCreated', data });
  });

  it('trusted (data read back from the log): upcasts and fills defaults exactly as parsing does, without validating again', () => {
    expect(upcast('OrderPlaced', 1, v1, { trusted: true })).toEqual(upcast('OrderPlaced', 1, v1));
    const { sku: _sku, ...completedLine } = line;
    const completed = { orderId, userId, totalCents: 2400, lines: [completedLine] }; // written before currencies existed
    expect(upcast('OrderCompleted', 1, completed, { trusted: true })).toEqual({
      type: 'OrderCompleted',
      data: { ...completed, currency: 'USD' },
    });
    expect(upcast('OrderCompleted', 1, completed, { trusted: true })).toEqual(upcast('OrderCompleted', 1, completed));
    expect(completed).not.toHaveProperty('currency'); // the stored object is not changed
    // Trusted means not parsed: the log's writer already validated it (the rebuild's hot path skips zod).
    expect(upcast('OrderPlaced', 2, { ...v1, totalCents: 'a lot' }, { trusted: true }).data).toMatchObject({ totalCents: 'a lot' });
  });

  it('refuses stored data that does not match its version', () => {
    expect(() => upcast('OrderPlaced', 1, { ...v1, totalCents: 'a lot' })).toThrow();
    expect(() => upcast('OrderPlaced', 2, v1)).toThrow(); // v2 requires a currency
  });

  it('refuses an unknown type or version', () => {
    expect(() => upcast('OrderShipped', 1, {})).toThrow(/Unknown event type OrderShipped/);
    expect(() => upcast('OrderPlaced', 3, v1)).toThrow(/Unknown schema version 3 of OrderPlaced/);
    expect(() => upcast('OrderPlaced', 0, v1)).toThrow(/Unknown schema version 0/);
  });
});
