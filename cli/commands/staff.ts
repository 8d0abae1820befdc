import { z } from 'zod';
import { createStaff, disableStaff, enableStaff, resetStaffPassword } from '@/server/auth/store';
import { generatePassword } from '@/server/auth/crypto';
import { roles, type Role } from '@/server/auth/principal';
import { UsageError, type CliCommand } from '../command';

export const MIN_PASSWORD_LENGTH = 8;

export const staffCreate: CliCommand = {
  path: ['staff', 'create'],
  summary: 'Creates a staff member who signs in to the portal; generates and prints a password when none is given.',
  options: {
    email: { description: 'the sign-in email', required: true },
    role: { description: 'what they may do', required: true, choices: roles },
    name: { description: 'display name (default: the part of the email before @)' },
    password: { description: `at least ${MIN_PASSWORD_LENGTH} characters (default: generated and printed)` },
  },
  async run(opts, ctx) {
    const email = opts.email!.trim();
    if (!z.string().email().safeParse(email).success) throw new UsageError(`--email must be a valid email address, got "${email}"`);
    if (opts.password !== undefined && opts.password.length < MIN_PASSWORD_LENGTH) {
      throw new UsageError(`--password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    const password = opts.password ?? generatePassword();
    const id = await createStaff(ctx.services().write.db, {
      email,
      name: opts.name?.trim() || undefined,
      role: opts.role as Role,
      password,
    });
    ctx.out(`Created ${opts.role} ${email} (id ${id}).`);
    if (opts.password === undefined) ctx.out(`Password (shown only this once): ${password}`);
  },
};

export const staffDisable: CliCommand = {
  path: ['staff', 'disable'],
  summary: 'Stops a staff member from signing in and ends every session they have open, at once.',
  options: { email: { description: 'the sign-in email', required: true } },
  async run(opts, ctx) {
    const r = await disableStaff(ctx.services().write.db, opts.email!.trim());
    if (!r) throw new UsageError(`No staff member has the email "${opts.email}"`);
    ctx.out(`Disabled ${opts.email!.trim()}; ended ${r.sessionsEnded} session(s).`);
  },
};

export const staffEnable: CliCommand = {
  path: ['staff', 'enable'],
  summary: 'Lets a disabled staff member sign in again.',
  options: { email: { description: 'the sign-in email', required: true } },
  async run(opts, ctx) {
    if (!(await enableStaff(ctx.services().write.db, opts.email!.trim())))
      throw new UsageError(`No staff member has the email "${opts.email}"`);
    ctx.out(`Enabled ${opts.email!.trim()}.`);
  },
};

export const staffResetPassword: CliCommand = {
  path: ['staff', 'reset-password'],
  summary: 'Sets a new password (generated and printed when none is given) and ends every session of the old one.',
  options: {
    email: { description: 'the sign-in email', required: true },
    password: { description: `at least ${MIN_PASSWORD_LENGTH} characters (default: generated and printed)` },
  },
  async run(opts, ctx) {
    if (opts.password !== undefined && opts.password.length < MIN_PASSWORD_LENGTH) {
      throw new UsageError(`--password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    const password = opts.password ?? generatePassword();
    if (!(await resetStaffPassword(ctx.services().write.db, opts.email!.trim(), password)))
      throw new UsageError(`No staff member has the email "${opts.email}"`);
    ctx.out(`New password set for ${opts.email!.trim()}; their sessions ended.`);
    if (opts.password === undefined) ctx.out(`Password (shown only this once): ${password}`);
  },
};
