import { z } from 'zod';
import { createToken, revokeToken } from '@/server/auth/store';
import { roles, type Role } from '@/server/auth/principal';
import { UsageError, type CliCommand } from '../command';

export const tokenCreate: CliCommand = {
  path: ['token', 'create'],
  summary: 'Creates an API token; prints it once, as the last line.',
  options: {
    role: { description: 'what the token may do', required: true, choices: roles },
    name: { description: 'a label, e.g. the app that will use it', required: true },
  },
  async run(opts, ctx) {
    const s = ctx.services();
    const { id, token } = await createToken(s.write.db, s.env.SESSION_SECRET, { name: opts.name!.trim(), role: opts.role as Role });
    ctx.out(`Created ${opts.role} token "${opts.name!.trim()}" (id ${id}). It is shown only this once:`);
    ctx.out(token);
  },
};

export const tokenRevoke: CliCommand = {
  path: ['token', 'revoke'],
  summary: 'Revokes an API token by its id.',
  options: { id: { description: 'the token id printed at creation', required: true } },
  async run(opts, ctx) {
    if (!z.string().uuid().safeParse(opts.id).success) throw new UsageError(`--id must be a token id (a UUID), got "${opts.id}"`);
    const revoked = await revokeToken(ctx.services().write.db, opts.id!);
    if (!revoked) throw new Error(`No active token with id ${opts.id}`);
    ctx.out(`Revoked token ${opts.id}`);
  },
};
