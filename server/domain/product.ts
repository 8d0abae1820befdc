import type { EventOf } from './events';
import { badRequest, conflict, notFound } from './errors';

export interface ProductState {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  onHand: number;
  reserved: number;
}

export type ProductCommand =
  | { type: 'CreateProduct'; data: { productId: string; sku: string; name: string; priceCents: number; stock: number } }
  | { type: 'ChangePrice'; data: { productId: string; priceCents: number } }
  | { type: 'Restock'; data: { productId: string; quantity: number } };

export type ProductEvent = EventOf<'ProductCreated' | 'ProductPriceChanged' | 'InventoryRestocked'>;

export function decideProduct(command: ProductCommand, state: ProductState | null): ProductEvent[] {
  switch (command.type) {
    case 'CreateProduct': {
      const d = command.data;
      if (state) throw conflict(`Product ${d.productId} already exists`);
      if (!(d.priceCents > 0)) throw badRequest('Price must be greater than zero');
      if (!(d.stock >= 0)) throw badRequest('Stock cannot be negative');
      return [{ type: 'ProductCreated', data: { ...d } }];
    }
    case 'ChangePrice': {
      if (!state) throw notFound(`Product ${command.data.productId} does not exist`);
      if (!(command.data.priceCents > 0)) throw badRequest('Price must be greater than zero');
      if (command.data.priceCents === state.priceCents) return [];
      return [
        {
          type: 'ProductPriceChanged',
          data: { productId: state.id, priceCents: command.data.priceCents, previousPriceCents: state.priceCents },
        },
      ];
    }
    case 'Restock': {
      if (!state) throw notFound(`Product ${command.data.productId} does not exist`);
      if (!(command.data.quantity > 0)) throw badRequest('Restock quantity must be greater than zero');
      return [
        {
          type: 'InventoryRestocked',
          data: { productId: state.id, quantity: command.data.quantity, onHand: state.onHand + command.data.quantity },
        },
      ];
    }
    default: {
      const never: never = command;
      throw new Error(`Unknown command ${(never as { type: string }).type}`);
    }
  }
}

export function evolveProduct(state: ProductState | null, event: ProductEvent): ProductState | null {
  switch (event.type) {
    case 'ProductCreated':
      return {
        id: event.data.productId,
        sku: event.data.sku,
        name: event.data.name,
        priceCents: event.data.priceCents,
        onHand: event.data.stock,
        reserved: 0,
      };
    case 'ProductPriceChanged':
      return state && { ...state, priceCents: event.data.priceCents };
    case 'InventoryRestocked':
      return state && { ...state, onHand: event.data.onHand };
    default: {
      const never: never = event;
      return never;
    }
  }
}
