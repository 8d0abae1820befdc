import { describe, expect, it } from 'vitest';
import { decideProduct, evolveProduct, type ProductCommand, type ProductEvent, type ProductState } from '@/server/domain/product';
import { deciderSpec } from './support/decider-spec';

const productId = '22222222-2222-4222-8222-222222222222';

const given = deciderSpec<ProductCommand, ProductEvent, ProductState>({ decide: decideProduct, evolve: evolveProduct });

const created: ProductEvent = { type: 'ProductCreated', data: { productId, sku: 'MUG-1', name: 'Mug', priceCents: 1200, stock: 5 } };
const create = (over: Partial<{ priceCents: number; stock: number }> = {}): ProductCommand => ({
  type: 'CreateProduct',
  data: { productId, sku: 'MUG-1', name: 'Mug', priceCents: 1200, stock: 5, ...over },
});

describe('product decider', () => {
  describe('CreateProduct', () => {
    it('given no product, records ProductCreated', () => {
      given().when(create()).then([created]);
    });

    it('accepts zero stock', () => {
      given()
        .when(create({ stock: 0 }))
        .then([{ ...created, data: { ...created.data, stock: 0 } }] as ProductEvent[]);
    });

    it('given the product exists, is a CONFLICT', () => {
      given(created)
        .when(create())
        .thenFails('CONFLICT', /already exists/);
    });

    it.each([0, -1, -1200])('refuses price %i with BAD_REQUEST', (priceCents) => {
      given()
        .when(create({ priceCents }))
        .thenFails('BAD_REQUEST', /Price must be greater than zero/);
    });

    it.each([-1, -100])('refuses stock %i with BAD_REQUEST', (stock) => {
      given()
        .when(create({ stock }))
        .thenFails('BAD_REQUEST', /Stock cannot be negative/);
    });
  });

  describe('ChangePrice', () => {
    it('given a product, records ProductPriceChanged with the previous price', () => {
      given(created)
        .when({ type: 'ChangePrice', data: { productId, priceCents: 1500 } })
        .then([{ type: 'ProductPriceChanged', data: { productId, priceCents: 1500, previousPriceCents: 1200 } }]);
    });

    it('given the same price, records nothing', () => {
      given(created)
        .when({ type: 'ChangePrice', data: { productId, priceCents: 1200 } })
        .then([]);
    });

    it.each([0, -5])('refuses price %i with BAD_REQUEST', (priceCents) => {
      given(created).when({ type: 'ChangePrice', data: { productId, priceCents } }).thenFails('BAD_REQUEST');
    });

    it('given no product, is NOT_FOUND', () => {
      given()
        .when({ type: 'ChangePrice', data: { productId, priceCents: 1500 } })
        .thenFails('NOT_FOUND', /does not exist/);
    });
  });

  describe('Restock', () => {
    it('given 5 on hand, restocking 3 records InventoryRestocked with 8 on hand', () => {
      given(created)
        .when({ type: 'Restock', data: { productId, quantity: 3 } })
        .then([{ type: 'InventoryRestocked', data: { productId, quantity: 3, onHand: 8 } }]);
    });

    it('counts from the latest restock', () => {
      given(created, { type: 'InventoryRestocked', data: { productId, quantity: 10, onHand: 15 } })
        .when({ type: 'Restock', data: { productId, quantity: 1 } })
        .then([{ type: 'InventoryRestocked', data: { productId, quantity: 1, onHand: 16 } }]);
    });

    it.each([0, -1])('refuses quantity %i with BAD_REQUEST', (quantity) => {
      given(created)
        .when({ type: 'Restock', data: { productId, quantity } })
        .thenFails('BAD_REQUEST', /greater than zero/);
    });

    it('given no product, is NOT_FOUND', () => {
      given()
        .when({ type: 'Restock', data: { productId, quantity: 1 } })
        .thenFails('NOT_FOUND');
    });
  });

  describe('evolve', () => {
    it('builds the state from the events', () => {
      const { state } = given(
        created,
        { type: 'ProductPriceChanged', data: { productId, priceCents: 999, previousPriceCents: 1200 } },
        { type: 'InventoryRestocked', data: { productId, quantity: 2, onHand: 7 } },
      );
      expect(state).toEqual({ id: productId, sku: 'MUG-1', name: 'Mug', priceCents: 999, onHand: 7, reserved: 0 });
    });
  });
});
