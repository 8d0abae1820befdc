import superjson from 'superjson';
import type { CombinedDataTransformer } from '@trpc/server';

/**
 * The API's transformer: superjson both ways, with one thing of an input's left out: its
 * `referentialEqualities`. superjson revives them by making the listed paths one shared object, so a
 * query string of 500 characters can make a chain of 40 arrays each holding the next one twice: 2^40
 * paths through about 40 objects. Every walk of an input (the input hygiene check, which runs before
 * the caller is known) then takes exponential time, and a nesting check on the text cannot see it
 * (the JSON itself is two levels deep). Without them an input is the tree its JSON is, walked in
 * time linear in its size. A client loses nothing: superjson serialises a repeated object in full at
 * each place (it dedupes only when asked to), so the values are the same, only no longer one object.
 */
export const transformer: CombinedDataTransformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize: (payload: unknown) => superjson.deserialize(withoutSharing(payload)),
  },
  output: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize: (payload: unknown) => superjson.deserialize(payload as never),
  },
};

type Payload = Parameters<typeof superjson.deserialize>[0];

/**
 * A serialised input with no `meta.referentialEqualities`, and with no `meta.values` when they make a
 * Set or a Map (a new object when it had either). superjson applies each later annotation under a Set
 * or a Map by walking it from its start, so a 1 MB body of one Set and many annotations costs time
 * quadratic in its size. No input of this API is a Set or a Map: without its annotations such an input
 * stays arrays, which the procedure's schema refuses (400).
 */
function withoutSharing(payload: unknown): Payload {
  const p = payload as Payload;
  if (typeof p !== 'object' || p === null || typeof p.meta !== 'object' || p.meta === null) return p;
  const shared = 'referentialEqualities' in p.meta;
  const collections = annotatesCollection(p.meta.values);
  if (!shared && !collections) return p;
  const { referentialEqualities: _shared, values, ...meta } = p.meta;
  return { ...p, meta: collections ? meta : { ...meta, values } };
}

/** Whether a superjson annotation tree makes a Set or a Map anywhere (its depth is the input's, already limited). */
function annotatesCollection(tree: unknown): boolean {
  if (Array.isArray(tree)) {
    const [annotation, children] = tree as [unknown, unknown];
    return annotation === 'set' || annotation === 'map' || (children !== undefined && annotatesCollection(children));
  }
  return typeof tree === 'object' && tree !== null && Object.values(tree).some(annotatesCollection);
}
