import { expect } from 'vitest';
import { DomainError } from '@/server/domain/errors';

/** An aggregate as its unit tests see it: a pure decide and evolve over events. */
export interface Decider<C, E, S> {
  decide(command: C, state: S | null): E[];
  evolve(state: S | null, event: E): S | null;
}

/**
 * The given/when/then spec every aggregate's unit tests use: given these past events, when this
 * command is decided, then these new events — or it fails with this DomainError code (and message).
 */
export function deciderSpec<C, E, S>(decider: Decider<C, E, S>) {
  return function given(...history: E[]) {
    const state = history.reduce<S | null>((s, e) => decider.evolve(s, e), null);
    return {
      state,
      when: (command: C) => ({
        then: (expected: E[]) => expect(decider.decide(command, state)).toEqual(expected),
        thenFails: (code: DomainError['code'], message?: RegExp) => {
          let thrown: unknown;
          try {
            decider.decide(command, state);
          } catch (err) {
            thrown = err;
          }
          expect(thrown, 'the command should have been refused').toBeInstanceOf(DomainError);
          expect((thrown as DomainError).code).toBe(code);
          if (message) expect((thrown as DomainError).message).toMatch(message);
        },
      }),
    };
  };
}
