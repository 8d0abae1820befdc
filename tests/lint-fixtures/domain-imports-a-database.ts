// lint-as: server/domain/lint-fixture.ts
import { z } from 'zod'; // allowed
import { decideUser } from './user'; // allowed
import { sql } from 'drizzle-orm'; // boundary
import { env } from '@/server/env'; // boundary

export const fixture = [z, decideUser, sql, env];
