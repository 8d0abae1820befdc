import { z } from 'zod';
import { commandProcedure, commandContext } from '../../trpc';
import { commandId, email, id, positionResult } from '../../schemas';
import { createUser, recordLogin, updateUserEmail } from '@/server/commands/users';

export const userCommands = {
  create: commandProcedure
    .input(z.object({ email, name: z.string().trim().min(1, 'Name is required').max(200, 'Name is at most 200 characters'), commandId }))
    .output(z.object({ userId: id, position: z.number().int() }))
    .mutation(({ ctx, input }) => createUser(ctx.services, commandContext(ctx, input.commandId), input)),
  updateEmail: commandProcedure
    .input(z.object({ userId: id, email, commandId }))
    .output(positionResult)
    .mutation(({ ctx, input }) => updateUserEmail(ctx.services, commandContext(ctx, input.commandId), input)),
  recordLogin: commandProcedure
    .input(z.object({ userId: id, at: z.string().datetime({ offset: true }).optional(), commandId }))
    .output(positionResult)
    .mutation(({ ctx, input }) => recordLogin(ctx.services, commandContext(ctx, input.commandId), input)),
};
