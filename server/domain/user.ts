import type { EventOf } from './events';
import { conflict, notFound } from './errors';

export interface UserState {
  id: string;
  email: string;
  name: string;
  createdAt: string;
  lastLoginAt: string | null;
}

export type UserCommand =
  | { type: 'CreateUser'; data: { userId: string; email: string; name: string } }
  | { type: 'UpdateUserEmail'; data: { userId: string; email: string } }
  | { type: 'RecordLogin'; data: { userId: string; at: string } };

export type UserEvent = EventOf<'UserCreated' | 'UserEmailUpdated' | 'UserLoggedIn'>;

export function decideUser(command: UserCommand, state: UserState | null): UserEvent[] {
  switch (command.type) {
    case 'CreateUser':
      if (state) throw conflict(`User ${command.data.userId} already exists`);
      return [{ type: 'UserCreated', data: { ...command.data } }];
    case 'UpdateUserEmail':
      if (!state) throw notFound(`User ${command.data.userId} does not exist`);
      if (state.email === command.data.email) return [];
      return [{ type: 'UserEmailUpdated', data: { userId: state.id, email: command.data.email, previousEmail: state.email } }];
    case 'RecordLogin':
      if (!state) throw notFound(`User ${command.data.userId} does not exist`);
      return [{ type: 'UserLoggedIn', data: { userId: state.id, at: command.data.at } }];
    default: {
      const never: never = command;
      throw new Error(`Unknown command ${(never as { type: string }).type}`);
    }
  }
}

export function evolveUser(state: UserState | null, event: UserEvent, occurredAt: string): UserState | null {
  switch (event.type) {
    case 'UserCreated':
      return { id: event.data.userId, email: event.data.email, name: event.data.name, createdAt: occurredAt, lastLoginAt: null };
    case 'UserEmailUpdated':
      return state && { ...state, email: event.data.email };
    case 'UserLoggedIn':
      return state && { ...state, lastLoginAt: event.data.at };
    default: {
      const never: never = event;
      return never;
    }
  }
}
