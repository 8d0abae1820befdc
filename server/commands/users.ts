import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import type { Tx } from '@/db/client';
import { decideUser, type UserCommand, type UserState } from '@/server/domain/user';
import { streamId } from '@/server/domain/events';
import { changeOfUser, emailTaken } from './rules';
import { runCommand } from './run';
import type { CommandContext, CommandDeps } from './context';

async function loadUser(tx: Tx, userId: string): Promise<(UserState & { version: number }) | null> {
  const [row] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    version: row.version,
  };
}

export async function createUser(deps: CommandDeps, ctx: CommandContext, input: { email: string; name: string }) {
  return runCommand(deps, ctx, 'users.create', async ({ tx, now, append }) => {
    const userId = randomUUID();
    const command: UserCommand = { type: 'CreateUser', data: { userId, email: input.email, name: input.name } };
    const events = decideUser(command, null);
    // The unique index on lower(email) decides races: exactly one insert wins. The row and the
    // event are sent together (one round trip); when the email is taken, throwing rolls back both.
    const [inserted, position] = await Promise.all([
      tx
        .insert(users)
        .values({ id: userId, email: input.email, name: input.name, createdAt: now, version: events.length })
        .onConflictDoNothing()
        .returning({ id: users.id }),
      append(streamId.user(userId), 0, events),
    ]);
    if (inserted.length === 0) throw emailTaken(input.email);
    return { userId, position };
  });
}

async function changeUser(deps: CommandDeps, ctx: CommandContext, type: string, userId: string, command: UserCommand) {
  return runCommand(deps, ctx, type, async ({ tx, now, append }) => {
    const state = await loadUser(tx, userId);
    const { events, next } = changeOfUser(userId, state, command, now);
    if (events.length === 0) return { position: 0 };
    await tx
      .update(users)
      .set({
        email: next.email,
        lastLoginAt: next.lastLoginAt ? new Date(next.lastLoginAt) : null,
        version: next.version,
      })
      .where(eq(users.id, userId));
    const position = await append(streamId.user(userId), state!.version, events);
    return { position };
  });
}

export function updateUserEmail(deps: CommandDeps, ctx: CommandContext, input: { userId: string; email: string }) {
  return changeUser(deps, ctx, 'users.updateEmail', input.userId, { type: 'UpdateUserEmail', data: input });
}

export function recordLogin(deps: CommandDeps, ctx: CommandContext, input: { userId: string; at?: string }) {
  const at = input.at ?? (ctx.now?.() ?? new Date()).toISOString();
  return changeUser(deps, ctx, 'users.recordLogin', input.userId, { type: 'RecordLogin', data: { userId: input.userId, at } });
}
