import { eventSchemas, currentVersion, type EventType, type DomainEvent } from './events';

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** `upcasters[type][v]` turns version v of an event's data into version v + 1. */
const upcasters: Partial<Record<EventType, Record<number, Upcaster>>> = {
  // OrderPlaced v1 predates multi-currency: every v1 order was in US dollars.
  OrderPlaced: { 1: (d) => ({ ...d, currency: 'USD' }) },
};

type Schema = { parse(d: unknown): unknown; shape?: Record<string, { def?: { type?: string; defaultValue?: unknown } }> };

/** The top-level defaults of a schema (`currency` → 'USD'), which parsing would fill in. */
const defaultsCache = new Map<Schema, [string, unknown][]>();
function defaultsOf(schema: Schema): [string, unknown][] {
  let d = defaultsCache.get(schema);
  if (!d) {
    d = Object.entries(schema.shape ?? {})
      .filter(([, f]) => f.def?.type === 'default')
      .map(([k, f]) => [k, f.def!.defaultValue]);
    defaultsCache.set(schema, d);
  }
  return d;
}

/**
 * Parses stored data of any known version and returns it at the current version. `trusted`: the
 * data comes from the event log, written by the deciders' typed events, so it is not validated
 * again (zod costs more than the projection itself in a rebuild); only the schema's defaults are
 * filled in, as parsing would, and the upcasts run. Data from anywhere else is parsed.
 */
export function upcast(type: string, schemaVersion: number, data: unknown, opts: { trusted?: boolean } = {}): DomainEvent {
  if (!(type in eventSchemas)) throw new Error(`Unknown event type ${type}`);
  const t = type as EventType;
  const target = currentVersion(t);
  const versions = eventSchemas[t] as Record<number, Schema>;
  const schema = versions[schemaVersion];
  if (!schema) throw new Error(`Unknown schema version ${schemaVersion} of ${type}`);
  let current: Record<string, unknown>;
  if (opts.trusted && data !== null && typeof data === 'object') {
    current = data as Record<string, unknown>;
    const defaults = defaultsOf(schema);
    if (defaults.some(([k]) => current[k] === undefined)) {
      current = { ...current };
      for (const [k, v] of defaults) if (current[k] === undefined) current[k] = v;
    }
  } else {
    current = schema.parse(data) as Record<string, unknown>;
  }
  for (let v = schemaVersion; v < target; v++) {
    const step = upcasters[t]?.[v];
    if (!step) throw new Error(`No upcaster for ${type} v${v} → v${v + 1}`);
    current = step(current);
  }
  return { type: t, data: current } as DomainEvent;
}
