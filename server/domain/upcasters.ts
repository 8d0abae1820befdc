import { eventSchemas, currentVersion, type EventType, type DomainEvent } from './events';

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** `upcasters[type][v]` turns version v of an event's data into version v + 1. */
const upcasters: Partial<Record<EventType, Record<number, Upcaster>>> = {
  // OrderPlaced v1 predates multi-currency: every v1 order was in US dollars.
  OrderPlaced: { 1: (d) => ({ ...d, currency: 'USD' }) },
};

/** Parses stored data of any known version and returns it at the current version. */
export function upcast(type: string, schemaVersion: number, data: unknown): DomainEvent {
  if (!(type in eventSchemas)) throw new Error(`Unknown event type ${type}`);
  const t = type as EventType;
  const target = currentVersion(t);
  const versions = eventSchemas[t] as Record<number, { parse(d: unknown): unknown }>;
  const schema = versions[schemaVersion];
  if (!schema) throw new Error(`Unknown schema version ${schemaVersion} of ${type}`);
  let current = schema.parse(data) as Record<string, unknown>;
  for (let v = schemaVersion; v < target; v++) {
    const step = upcasters[t]?.[v];
    if (!step) throw new Error(`No upcaster for ${type} v${v} → v${v + 1}`);
    current = step(current);
  }
  return { type: t, data: current } as DomainEvent;
}
