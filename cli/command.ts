import { parseArgs } from 'node:util';
import type { Services } from '@/server/services';

/** A usage mistake: the CLI prints the message and the command's usage, and exits with code 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  description: string;
  required?: boolean;
  /** When set, the value must be one of these. */
  choices?: readonly string[];
  /** A bare switch (`--name`, no value); parsed as the value 'true'. */
  flag?: boolean;
}

export interface CliContext {
  /** The process's services (database, Redis), created on first use and closed when the command ends. */
  services(): Services;
  /** Prints one line to standard output. */
  out(line: string): void;
}

export interface CliCommand {
  /** Words that select the command, e.g. `['token', 'create']`. */
  path: readonly string[];
  summary: string;
  options: Record<string, OptionSpec>;
  run(opts: Record<string, string | undefined>, ctx: CliContext): Promise<void>;
}

export function usageOf(cmd: CliCommand): string {
  const opts = Object.entries(cmd.options).map(([name, o]) => {
    if (o.flag) return `[--${name}]`;
    const value = o.choices ? o.choices.join('|') : name.toUpperCase();
    return o.required ? `--${name} <${value}>` : `[--${name} <${value}>]`;
  });
  const lines = [`npm run cli -- ${[...cmd.path, ...opts].join(' ')}`, `  ${cmd.summary}`];
  for (const [name, o] of Object.entries(cmd.options)) lines.push(`    --${name.padEnd(10)} ${o.description}`);
  return lines.join('\n');
}

/** Parses `--name value` options against the command's spec; throws UsageError on any mistake. */
export function parseOptions(cmd: CliCommand, argv: string[]): Record<string, string | undefined> {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(
      Object.entries(cmd.options).map(([name, o]) => [name, { type: o.flag ? ('boolean' as const) : ('string' as const) }]),
    );
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const result: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(cmd.options)) {
    const v = values[name];
    const value = typeof v === 'string' ? v : v === true ? 'true' : undefined;
    if (spec.required && (value === undefined || value.trim() === '')) throw new UsageError(`Missing --${name}`);
    if (value !== undefined && spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')} (got "${value}")`);
    }
    result[name] = value;
  }
  return result;
}
