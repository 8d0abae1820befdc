import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'fetch'].map((name) => [name, 'readonly']),
);

export default defineConfig(
  {
    ignores: [
      '.next/**', 'node_modules/**', 'dist/**', 'examples/**', 'db/migrations/**', 'next-env.d.ts',
      'test-results/**', 'playwright-report/**', '.ledgerline/**', 'bench/results/**',
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
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
);
