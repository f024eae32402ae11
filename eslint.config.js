// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'api-client/src/schema.ts', '**/dist/', 'job-types/**/*.js', 'compiler/test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Declarations of the globals job-type scripts see: `var` and `any` are the honest types there.
    files: ['**/*.d.ts'],
    rules: { 'no-var': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
