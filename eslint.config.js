import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'editor/dist/', 'data/', 'output/', 'test-artifacts/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // One code per failure, each thrown through its layer's named constructor (runtime/errors.ts,
    // nodes/lib/errors.ts, ...): a code string written inline is how catch-all codes crept in.
    files: ['runtime/**/*.ts', 'nodes/**/*.ts', 'models/**/*.ts', 'server/**/*.ts', 'cli/**/*.ts', 'plugins/**/*.ts'],
    ignores: ['**/errors.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "NewExpression[callee.name='LatentflowError'] > Literal:first-child",
        message: 'Throw a named constructor from the layer\'s errors.ts instead of new LatentflowError(\'code\', ...).',
      }],
    },
  },
  {
    // contract/ is every wire format, read by the browser too: no Node built-ins, no other layer.
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', '**/runtime/**', '**/nodes/**', '**/models/**', '**/server/**', '**/editor/**', '**/cli/**'] }],
    },
  },
  {
    // models/ is SD maths and files: it knows nothing of the runtime that schedules it.
    files: ['models/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/runtime/**', '**/nodes/**', '**/server/**', '**/editor/**', '**/cli/**'] }],
    },
  },
  {
    // runtime/ is the core: it must never depend on the Stable Diffusion layers.
    files: ['runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/nodes/**', '**/models/**', '**/server/**', '**/editor/**', '**/cli/**'] }],
    },
  },
  {
    // Each models/ subfolder is one unit used through its index.ts (tests may reach into the unit they test).
    // models/model-folder/ has no index.ts yet: models/model-folder.ts is its entry until it moves into the folder.
    files: ['nodes/**/*.ts', 'server/**/*.ts', 'cli/**/*.ts', 'worker/**/*.ts', 'bench/**/*.ts', 'training/**/*.ts', 'tools/**/*.ts', 'plugins/**/*.ts', 'compat/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{
        regex: '(^|/)models/(?!model-folder/)[^/]+/(?!index\\.ts$)',
        message: 'Import a models/ subfolder through its index.ts.',
      }] }],
    },
  },
);
