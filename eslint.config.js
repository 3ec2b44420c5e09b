// The boundaries of STYLE.md as lint rules: workflows stay deterministic, the website stays behind the API.
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'worker_threads'];
const builtinPatterns = nodeBuiltins.flatMap((name) => [name, `node:${name}`, `${name}/*`, `node:${name}/*`]);

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'web/.svelte-kit/**', 'web/build/**', 'db/migrations/**', 'test-results/**', 'scratch/**', 'web/node_modules/**'] },
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    files: ['web/**/*.svelte', 'web/**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    rules: {
      // The site is served at the root (no paths.base), so plain hrefs are correct.
      'svelte/no-navigation-without-resolve': 'off',
      // Non-reactive caches (e.g. seen event ids) are deliberate plain Maps/Sets.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@temporalio/*', '!@temporalio/workflow', '!@temporalio/common'], message: 'Workflows may import only @temporalio/workflow.' },
          { group: ['@kubernetes/*', 'postgres', 'drizzle-orm', 'drizzle-orm/*', 'fastify', 'pino', ...builtinPatterns], message: 'Workflows must stay deterministic: do I/O in activities.' },
          { group: ['../activities/*', '../api/*', '../db/*'], allowTypeImports: true, message: 'Workflows import activity and api types only (import type).' },
        ],
      }],
    },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.svelte'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@temporalio/*', 'postgres', 'drizzle-orm', 'drizzle-orm/*', '@kubernetes/*'], message: 'The website talks to the API only.' },
          { group: ['**/api/*', '**/scenarios/*'], allowTypeImports: true, message: 'The website imports DTO types only.' },
        ],
      }],
    },
  },
  {
    // The session terms are loaded by the workflow and the browser too: pure, importing nothing but TypeBox.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?!\\./|@sinclair/typebox$)', message: 'domain/ stays pure: import only other domain/ files and @sinclair/typebox.' }],
      }],
    },
  },
  {
    files: ['api/**/*.ts', 'activities/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['@temporalio/workflow'], message: 'Only workflows import @temporalio/workflow.' }],
      }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['infra/**/*.ts', 'bench/**/*.ts', 'tests/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
