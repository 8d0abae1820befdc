import { sql } from 'drizzle-orm';

/** The first instant of a UTC day, and of the day after it: a day range is [start(from), end(to)). */
export const dayStart = (day: string) => sql`(${day}::date::timestamp AT TIME ZONE 'UTC')`;
export const dayEnd = (day: string) => sql`((${day}::date + 1)::timestamp AT TIME ZONE 'UTC')`;
/** The UTC day of a timestamptz column, as YYYY-MM-DD. */
export const utcDay = (column: string) => sql.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`);
