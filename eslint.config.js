import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * The import boundaries of docs/architecture.md, checked on every lint. Paths are matched both as
 * `@/x` and relative (`../x`), so moving a file does not open a way around a rule.
 */
const folder = (names) => `^(@/|(\\.\\./)+)(${names})(/|$)`;
const boundaries = [
  {
    files: ['components/**', 'lib/client/**'],
    // The one exception: server/domain/contracts, pure (zod only), so a form checks what the router will.
    patterns: [
      {
        regex: folder('server(?!/domain/contracts$)|lib/server'),
        allowTypeImports: true,
        message: 'Client code imports no server runtime (types only) but server/domain/contracts; call the API through lib/client/trpc.',
      },
    ],
  },
  {
    files: ['server/**'],
    patterns: [
      {
        regex: folder('workers|cli|scripts|tests'),
        message: 'server/ never imports workers/, cli/, scripts/ or tests/: they import server/, not the other way round.',
      },
    ],
  },
  {
    files: ['bench/**', 'scripts/**'],
    patterns: [
      { regex: folder('tests|cli'), message: 'bench/ and scripts/ never import tests/ or cli/ (shared fixtures live in testkit/).' },
    ],
  },
  // Last: for a file, a later config's options replace an earlier one's (this rule is stricter than server/**'s).
  {
    files: ['server/domain/**'],
    patterns: [{ regex: '^(?!zod$|\\./)', message: 'server/domain is pure: it imports only zod and its own files.' }],
  },
].map(({ files, patterns }) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } }));

const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'fetch'].map((name) => [name, 'readonly']),
);

export default defineConfig(
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      'dist/**',
      'examples/**',
      'db/migrations/**',
      'next-env.d.ts',
      'test-results/**',
      'playwright-report/**',
      '.ledgerline/**',
      'bench/results/**',
      // Deliberately bad files that tests/unit/boundaries.test.ts lints on purpose.
      'tests/lint-fixtures/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    rules: {
      // Stylistic only: `[\w\-]` and `[\w-]` mean the same; not worth failing the build over.
      'no-useless-escape': 'off',
      // `_name` marks a deliberately unused binding (e.g. a property taken out of a rest object).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  ...boundaries,
);
