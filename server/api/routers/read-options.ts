import { z } from 'zod';
import { MAX_WAIT_MS } from '@/server/readside/wait';

/** Every query may ask to read its own writes: wait until `minPosition` is applied, up to `waitMs`. */
export const readOptions = {
  minPosition: z.number().int().nonnegative().optional(),
  waitMs: z.number().int().min(0).max(MAX_WAIT_MS, `waitMs is at most ${MAX_WAIT_MS}`).optional(),
};
