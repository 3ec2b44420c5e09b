// The boundaries of STYLE.md as lint rules: workflows stay deterministic, the website stays behind the API,
// and each layer imports only the layers below it (tests/unit/layer-boundaries.test.ts shows each rule firing).
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'worker_threads'];
const builtinPatterns = nodeBuiltins.flatMap((name) => [name, `node:${name}`, `${name}/*`, `node:${name}/*`]);

// Import patterns shared by the layer rules. A file gets one no-restricted-imports setting (the last matching
// config object wins, options are not merged), so each layer below lists every pattern that applies to it.
const noWorkflowSdk = { group: ['@temporalio/workflow'], message: 'Only workflows import @temporalio/workflow.' };
const noInfra = {
  group: ['**/infra/**'],
  message:
    'infra/ is dev and ops tooling: production code never imports it (move the shared piece into cluster/ or another production layer).',
};
const noActivities = (layer) => ({
  group: ['**/activities/**'],
  message: `${layer} never imports activities/: move the shared piece into cluster/, scoring/ or lib/.`,
});
const noApi = (layer) => ({ group: ['**/api/**'], message: `${layer} never imports api/.` });
const noGateway = (layer) => ({ group: ['**/gateway/**'], message: `${layer} never imports gateway/.` });
const layerRule = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.tools/**',
      '.data/**',
      'web/.svelte-kit/**',
      'web/build/**',
      'worker/build/**',
      'services/dist/**',
      'db/migrations/**',
      'test-results/**',
      'scratch/**',
      'web/node_modules/**',
    ],
  },
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
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@temporalio/*', '!@temporalio/workflow', '!@temporalio/common'],
              message: 'Workflows may import only @temporalio/workflow.',
            },
            {
              group: ['@kubernetes/*', 'postgres', 'drizzle-orm', 'drizzle-orm/*', 'fastify', 'pino', ...builtinPatterns],
              message: 'Workflows must stay deterministic: do I/O in activities.',
            },
            {
              group: ['../activities/*', '../api/*', '../db/*', '../cluster/*', '../gateway/*', '../scoring/*', '../lib/*'],
              allowTypeImports: true,
              message: 'Workflows import activity and api types only (import type).',
            },
            noInfra,
          ],
        },
      ],
    },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.svelte'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@temporalio/*', 'postgres', 'drizzle-orm', 'drizzle-orm/*', '@kubernetes/*'],
              message: 'The website talks to the API only.',
            },
            { group: ['**/api/*', '**/scenarios/*'], allowTypeImports: true, message: 'The website imports DTO types only.' },
            noInfra,
          ],
        },
      ],
    },
  },
  // The API serves HTTP from the read model and Temporal's client; it starts the gateway and uses cluster/.
  layerRule(['api/**/*.ts'], [noWorkflowSdk, noInfra, noActivities('The API')]),
  // The kube gateway is its own server: it may use cluster/ and the session terms, never the API or the activities.
  layerRule(['gateway/**/*.ts'], [noWorkflowSdk, noInfra, noActivities('The gateway'), noApi('The gateway')]),
  // Drivers, kube clients and sandboxes: the layer the API, gateway, worker and activities share.
  layerRule(['cluster/**/*.ts'], [noWorkflowSdk, noInfra, noActivities('cluster/'), noApi('cluster/'), noGateway('cluster/')]),
  layerRule(['activities/**/*.ts'], [noWorkflowSdk, noInfra, noApi('Activities'), noGateway('Activities')]),
  layerRule(['worker/**/*.ts'], [noWorkflowSdk, noInfra, noApi('The worker'), noGateway('The worker')]),
  // The score is a pure function of a session's recording; lib/ holds small leaves every server shares.
  layerRule(
    ['scoring/**/*.ts', 'lib/**/*.ts'],
    [
      noWorkflowSdk,
      noInfra,
      noActivities('A pure module'),
      noApi('A pure module'),
      noGateway('A pure module'),
      {
        group: ['**/cluster/**', 'drizzle-orm', 'drizzle-orm/*', 'postgres', '@kubernetes/*', '@temporalio/*'],
        message: 'A pure module does no I/O of its own.',
      },
      // Row types (e.g. kube_requests) are shapes, not I/O.
      { group: ['**/db/**'], allowTypeImports: true, message: 'A pure module does no I/O of its own: import db/ types only.' },
    ],
  ),
  layerRule(['db/**/*.ts', 'config/**/*.ts', 'scenarios/**/*.ts'], [noWorkflowSdk, noInfra]),
  // The CLI runs from a checkout; its production commands (run, validate, …) never need dev tooling.
  layerRule(['cli/**/*.ts'], [noInfra]),
  {
    // `failurelib sim-stages` is an author tool for the sim cluster itself: it renders infra/'s kwok stages.
    files: ['cli/commands/sim-stages.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The session terms are loaded by the workflow and the browser too: pure, importing nothing but TypeBox.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./|@sinclair/typebox$)',
              message: 'domain/ stays pure: import only other domain/ files and @sinclair/typebox.',
            },
          ],
        },
      ],
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
