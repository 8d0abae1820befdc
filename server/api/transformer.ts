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

/** A serialised input with no `meta.referentialEqualities` (a new object when it had them). */
function withoutSharing(payload: unknown): Payload {
  const p = payload as Payload;
  if (typeof p !== 'object' || p === null || typeof p.meta !== 'object' || p.meta === null || !('referentialEqualities' in p.meta))
    return p;
  const { referentialEqualities: _shared, ...meta } = p.meta;
  return { ...p, meta };
}
