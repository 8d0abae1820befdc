/**
 * The Ledgerline command line: `npm run cli -- <command> [options]`, `npm run cli -- help`.
 * Exit codes: 0 done, 1 the command failed, 2 a usage mistake.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createServices, type Services } from '@/server/services';
import { UsageError, parseOptions, usageOf, type CliCommand } from './command';
import { tokenCreate, tokenRevoke } from './commands/token';
import { staffCreate, staffDisable, staffEnable, staffResetPassword } from './commands/staff';
import { demoLoad } from './commands/demo';
import { importCrudCommand } from './commands/import';

/** Every command of the CLI. To add one, write a CliCommand in cli/commands/ and list it here. */
export const commands: CliCommand[] = [
  tokenCreate,
  tokenRevoke,
  staffCreate,
  staffDisable,
  staffEnable,
  staffResetPassword,
  demoLoad,
  importCrudCommand,
];

function help(): string {
  return ['Usage:', ...commands.map(usageOf), 'npm run cli -- help', '  Shows this help.'].join('\n');
}

/** Finds the command whose path is the longest prefix of argv. */
function findCommand(argv: string[]): { cmd: CliCommand; rest: string[] } | null {
  const matches = commands.filter((c) => c.path.every((word, i) => argv[i] === word));
  const best = matches.sort((a, b) => b.path.length - a.path.length)[0];
  return best ? { cmd: best, rest: argv.slice(best.path.length) } : null;
}

/** The innermost cause: Drizzle wraps driver errors (and prints query parameters) in its own. */
function rootCause(err: unknown): unknown {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e;
}

/** Explains errors people can fix themselves (no database, no migrations) in one line. */
function describe(err: unknown): string {
  const cause = rootCause(err);
  const code = (cause as { code?: string } | null)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (code === '3D000' || code === '42P01') return `${message}\nThe database is not set up: run \`npm run db:migrate\` first.`;
  if (code === 'ECONNREFUSED') return `${message}\nCannot reach Postgres: is it running, and is DATABASE_URL right?`;
  return message;
}

export async function main(argv: string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  if (argv.length === 0) {
    console.error(help());
    return 2;
  }
  if (['help', '--help', '-h'].includes(argv[0]!)) {
    out(help());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    console.error(`Unknown command: ${argv.join(' ')}\n\n${help()}`);
    return 2;
  }
  const { cmd, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    out(usageOf(cmd));
    return 0;
  }
  let services: Services | undefined;
  try {
    const opts = parseOptions(cmd, rest);
    await cmd.run(opts, { services: () => (services ??= createServices({ appName: 'ledgerline-cli', poolMax: 4 })), out });
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\nUsage:\n${usageOf(cmd)}`);
      return 2;
    }
    console.error(`Error: ${describe(err)}`);
    return 1;
  } finally {
    await services?.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
