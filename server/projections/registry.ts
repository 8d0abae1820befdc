import type { ProjectionDefinition } from './types';
import { userProfileProjection } from './user-profile';
import { userSearchProjection } from './user-search';
import { orderSummaryProjection } from './order-summary';
import { inventoryProjection } from './inventory';
import { analyticsProjection } from './analytics';
import { orderFactsProjection } from './order-facts';
import { productSalesProjection } from './product-sales';
import { cohortsProjection } from './cohorts';

/** Every read model the runner keeps. */
export const projections: ProjectionDefinition[] = [
  userProfileProjection,
  userSearchProjection,
  orderSummaryProjection,
  inventoryProjection,
  analyticsProjection,
  orderFactsProjection,
  productSalesProjection,
  cohortsProjection,
];

export const projectionNames = projections.map((p) => p.name);
