import { describe, expect, it } from 'vitest';
import { decideUser, evolveUser, type UserCommand, type UserEvent, type UserState } from '@/server/domain/user';
import { deciderSpec } from './support/decider-spec';

const userId = '11111111-1111-4111-8111-111111111111';
const at = '2024-05-01T10:00:00.000Z';

const given = deciderSpec<UserCommand, UserEvent, UserState>({ decide: decideUser, evolve: (s, e) => evolveUser(s, e, at) });

const created: UserEvent = { type: 'UserCreated', data: { userId, email: 'ada@example.com', name: 'Ada' } };

describe('user decider', () => {
  describe('CreateUser', () => {
    it('given no user, records UserCreated with the id, email and name', () => {
      given()
        .when({ type: 'CreateUser', data: { userId, email: 'ada@example.com', name: 'Ada' } })
        .then([created]);
    });

    it('given the user already exists, is a CONFLICT', () => {
      given(created)
        .when({ type: 'CreateUser', data: { userId, email: 'other@example.com', name: 'Other' } })
        .thenFails('CONFLICT', /already exists/);
    });
  });

  describe('UpdateUserEmail', () => {
    it('given an existing user, records UserEmailUpdated with the previous email', () => {
      given(created)
        .when({ type: 'UpdateUserEmail', data: { userId, email: 'ada@new.example' } })
        .then([{ type: 'UserEmailUpdated', data: { userId, email: 'ada@new.example', previousEmail: 'ada@example.com' } }]);
    });

    it('given the email is unchanged, records nothing', () => {
      given(created)
        .when({ type: 'UpdateUserEmail', data: { userId, email: 'ada@example.com' } })
        .then([]);
    });

    it('given an earlier change, the previous email is the latest one', () => {
      const changed: UserEvent = { type: 'UserEmailUpdated', data: { userId, email: 'b@example.com', previousEmail: 'ada@example.com' } };
      given(created, changed)
        .when({ type: 'UpdateUserEmail', data: { userId, email: 'c@example.com' } })
        .then([{ type: 'UserEmailUpdated', data: { userId, email: 'c@example.com', previousEmail: 'b@example.com' } }]);
    });

    it('given no user, is NOT_FOUND', () => {
      given()
        .when({ type: 'UpdateUserEmail', data: { userId, email: 'x@example.com' } })
        .thenFails('NOT_FOUND', /does not exist/);
    });
  });

  describe('RecordLogin', () => {
    it('given an existing user, records UserLoggedIn at the given time', () => {
      given(created)
        .when({ type: 'RecordLogin', data: { userId, at: '2024-06-01T08:00:00.000Z' } })
        .then([{ type: 'UserLoggedIn', data: { userId, at: '2024-06-01T08:00:00.000Z' } }]);
    });

    it('given no user, is NOT_FOUND', () => {
      given().when({ type: 'RecordLogin', data: { userId, at } }).thenFails('NOT_FOUND');
    });
  });

  describe('evolve', () => {
    it('builds the state from the events', () => {
      const { state } = given(
        created,
        { type: 'UserEmailUpdated', data: { userId, email: 'b@example.com', previousEmail: 'ada@example.com' } },
        { type: 'UserLoggedIn', data: { userId, at: '2024-06-01T08:00:00.000Z' } },
      );
      expect(state).toEqual({ id: userId, email: 'b@example.com', name: 'Ada', createdAt: at, lastLoginAt: '2024-06-01T08:00:00.000Z' });
    });

    it('ignores a change to a user that does not exist', () => {
      expect(evolveUser(null, { type: 'UserLoggedIn', data: { userId, at } }, at)).toBeNull();
    });
  });
});
