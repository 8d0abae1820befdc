/**
 * Fields of event data that are secrets, shown redacted wherever events are read by people (the
 * events explorer). Events recorded before finding 8 carry the clear payment token; stored events
 * are never rewritten, so this is applied on read, after upcasting, like an upcaster for display.
 */
const SECRET_FIELDS: Partial<Record<string, readonly string[]>> = {
  OrderPlaced: ['paymentToken'],
};

export const REDACTED = '[redacted]';

export function redactEventData(type: string, data: unknown): unknown {
  const fields = SECRET_FIELDS[type];
  if (!fields || !data || typeof data !== 'object') return data;
  const out = { ...(data as Record<string, unknown>) };
  for (const f of fields) if (f in out) out[f] = REDACTED;
  return out;
}
