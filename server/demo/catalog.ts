/** The demo shop's catalog: a home, kitchen and outdoor store. `popularity` weighs what people buy. */
export interface DemoProduct {
  sku: string;
  name: string;
  priceCents: number;
  popularity: number;
}

export const demoCatalog: readonly DemoProduct[] = [
  { sku: 'KIT-CHEF-8', name: 'Chef’s Knife 8"', priceCents: 8900, popularity: 6 },
  { sku: 'KIT-PAN-28', name: 'Cast Iron Skillet 28 cm', priceCents: 4500, popularity: 7 },
  { sku: 'KIT-BOARD-OAK', name: 'Oak Cutting Board', priceCents: 3400, popularity: 6 },
  { sku: 'KIT-KETTLE-GN', name: 'Gooseneck Kettle', priceCents: 6900, popularity: 5 },
  { sku: 'KIT-FRENCH-1L', name: 'French Press 1 L', priceCents: 2900, popularity: 8 },
  { sku: 'KIT-GRINDER', name: 'Burr Coffee Grinder', priceCents: 12900, popularity: 4 },
  { sku: 'KIT-MUG-SET4', name: 'Stoneware Mug Set (4)', priceCents: 3600, popularity: 7 },
  { sku: 'KIT-DUTCH-5', name: 'Enamelled Dutch Oven 5 L', priceCents: 17900, popularity: 3 },
  { sku: 'KIT-SPICE-12', name: 'Spice Jar Set (12)', priceCents: 2400, popularity: 5 },
  { sku: 'KIT-TOWEL-3', name: 'Linen Tea Towels (3)', priceCents: 1900, popularity: 6 },
  { sku: 'KIT-SCALE', name: 'Digital Kitchen Scale', priceCents: 2200, popularity: 5 },
  { sku: 'KIT-BOTTLE-750', name: 'Insulated Bottle 750 ml', priceCents: 2800, popularity: 9 },
  { sku: 'HOM-THROW-WL', name: 'Wool Throw Blanket', priceCents: 7900, popularity: 4 },
  { sku: 'HOM-CANDLE-CD', name: 'Cedar Scented Candle', priceCents: 1800, popularity: 9 },
  { sku: 'HOM-LAMP-BRS', name: 'Brass Desk Lamp', priceCents: 9500, popularity: 3 },
  { sku: 'HOM-PILLOW-LN', name: 'Linen Pillowcase Pair', priceCents: 4200, popularity: 5 },
  { sku: 'HOM-PLANTER-M', name: 'Ceramic Planter, Medium', priceCents: 3100, popularity: 5 },
  { sku: 'HOM-CLOCK-WL', name: 'Wall Clock, Walnut', priceCents: 5400, popularity: 2 },
  { sku: 'HOM-RUG-JUTE', name: 'Jute Rug 120×180', priceCents: 14900, popularity: 2 },
  { sku: 'HOM-BASKET-SG', name: 'Seagrass Storage Basket', priceCents: 2700, popularity: 4 },
  { sku: 'HOM-DIFFUSER', name: 'Ultrasonic Aroma Diffuser', priceCents: 3900, popularity: 4 },
  { sku: 'HOM-FRAME-A4', name: 'Oak Picture Frame A4', priceCents: 2300, popularity: 4 },
  { sku: 'OUT-TENT-2P', name: 'Backpacking Tent, 2-Person', priceCents: 24900, popularity: 2 },
  { sku: 'OUT-BAG-3S', name: 'Three-Season Sleeping Bag', priceCents: 15900, popularity: 2 },
  { sku: 'OUT-LAMP-HD', name: 'Rechargeable Headlamp', priceCents: 3500, popularity: 6 },
  { sku: 'OUT-PACK-30', name: 'Daypack 30 L', priceCents: 8900, popularity: 4 },
  { sku: 'OUT-STOVE-CP', name: 'Compact Camping Stove', priceCents: 4900, popularity: 3 },
  { sku: 'OUT-POLES', name: 'Trekking Poles (pair)', priceCents: 6900, popularity: 3 },
  { sku: 'OUT-HAMMOCK', name: 'Ripstop Hammock', priceCents: 5900, popularity: 3 },
  { sku: 'OUT-FILTER', name: 'Water Filter Straw', priceCents: 2500, popularity: 5 },
  { sku: 'OUT-CHAIR-FLD', name: 'Folding Camp Chair', priceCents: 4400, popularity: 3 },
  { sku: 'OUT-COOLER-25', name: 'Soft Cooler 25 L', priceCents: 7400, popularity: 2 },
  { sku: 'GDN-GLOVES', name: 'Leather Garden Gloves', priceCents: 2100, popularity: 5 },
  { sku: 'GDN-PRUNER', name: 'Bypass Pruner', priceCents: 3300, popularity: 4 },
  { sku: 'GDN-CAN-5L', name: 'Galvanised Watering Can 5 L', priceCents: 3900, popularity: 3 },
  { sku: 'GDN-SEEDS-HB', name: 'Herb Seed Collection', priceCents: 1400, popularity: 7 },
  { sku: 'GDN-HOSE-15', name: 'Garden Hose 15 m', priceCents: 4700, popularity: 2 },
  { sku: 'GDN-KNEELER', name: 'Foam Garden Kneeler', priceCents: 1600, popularity: 3 },
  { sku: 'GFT-CARD-50', name: 'Gift Card $50', priceCents: 5000, popularity: 4 },
  { sku: 'GFT-WRAP-KIT', name: 'Gift Wrap Kit', priceCents: 1200, popularity: 3 },
];
