import { z } from 'zod';

/** Input pieces shared by several procedures. */
export const commandId = z.string().uuid().optional();
export const id = z.string().uuid();
export const email = z.string().trim().email('A valid email address is required').max(320);
export const minPosition = z.number().int().nonnegative().optional();
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A day is YYYY-MM-DD');
export const limit = z.number().int().min(1).max(200).default(50);
export const cursor = z.string().max(500).optional();
export const positionResult = z.object({ position: z.number().int() });
