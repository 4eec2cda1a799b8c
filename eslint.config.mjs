import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'provider/cdktf/**', 'cdktf-examples/**/cdktf.out/**', '.tessera/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The typed client runs in the browser and in the command line: it never imports the API.
  {
    files: ['client/**/*.ts', 'cli/**/*.ts', 'web/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+api(/|$)', message: 'clients use client/, never api/' }] }] },
  },
  // The tessera executable is a plain CommonJS launcher for the bundle.
  { files: ['cli/bin/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
