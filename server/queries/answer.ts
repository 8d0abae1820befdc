import superjson from 'superjson';
import type { Freshness } from '@/server/readside/wait';

export interface Answer<T> {
  data: T;
  freshness: Freshness;
}

const SERIALISED = Symbol('ledgerline.serialisedAnswer');

/**
 * An answer as the API sends it: the superjson serialisation tRPC's transformer makes of it, as
 * JSON text (`{"json":…,"meta":…}`), held either as a string (just serialised, on a cache miss) or as
 * its UTF-8 bytes (a cache hit, as Redis gave them: never decoded into a string). The query cache
 * stores this text, so that a cache hit can be written to the socket as it is
 * (server/http/query-lane.ts) instead of parsed and serialised again.
 */
export type Serialised = string | Buffer;

export const serialiseAnswer = (answer: Answer<unknown>): string => JSON.stringify(superjson.serialize(answer));

/** The text itself, decoding bytes: for a reader that parses it, never for the socket. */
const textOf = (text: Serialised): string => (typeof text === 'string' ? text : text.toString('utf8'));

/**
 * The answer held as `text` (the serialisation of `{ data, freshness }`, a string or its UTF-8
 * bytes), with `freshness` given apart. `data` is parsed from the text only when something reads
 * it (a procedure that looks inside, or tRPC serialising it again); the text travels with the
 * answer, unseen by serialisers, while it still describes it: when `data` is replaced, or
 * `freshness` differs from the text's (a stale answer), the answer has no text. An answer is not
 * changed in place.
 */
export function answerOf<T>(text: Serialised, freshness: Freshness, data?: { value: T }): Answer<T> {
  let held = data;
  const answer = {} as Answer<T>;
  Object.defineProperty(answer, 'data', {
    enumerable: true,
    configurable: true,
    get: () => (held ??= { value: (superjson.deserialize(JSON.parse(textOf(text))) as Answer<T>).data }).value,
    set: (value: T) => {
      held = { value };
      delete (answer as { [SERIALISED]?: Serialised })[SERIALISED];
    },
  });
  answer.freshness = freshness;
  if (!freshness.stale) Object.defineProperty(answer, SERIALISED, { value: text, enumerable: false, configurable: true });
  return answer;
}

/**
 * The serialised text of a value a query returned, when it is an answer that still carries one: a
 * string or its UTF-8 bytes, to be written as they are (Buffer.byteLength gives either's length).
 */
export function serialisedOf(value: unknown): Serialised | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as { [SERIALISED]?: Serialised })[SERIALISED];
}
