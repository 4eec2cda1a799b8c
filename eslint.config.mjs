import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Import boundaries (see CONTRIBUTING.md, "Layering"). no-restricted-imports matches the import
// specifier, so each rule names the folder as it appears in a relative path.
const folder = (name) => `(^|/)${name}(/|$)`;
const restrict = (rules) => ['error', { patterns: rules.map(([regex, message]) => ({ regex, message })) }];

const PROTOCOL_IS_GENERIC = [
  [folder('tessera'), 'provider/protocol/ is a Terraform plugin SDK that knows nothing of Tessera: no imports from provider/tessera.'],
  [folder('resources'), 'provider/protocol/ is a Terraform plugin SDK that knows nothing of Tessera: no imports from provider/resources.'],
];
const API_NOT_PROVIDER = [
  [folder('provider'), 'api/ and provider/ never import each other; share shapes through the contract and the generated client.'],
];
// The root api/ folder as a relative path reaches it ('../../api/…'); client/generated/api.ts is
// the generated contract that the provider is meant to use, so a file named api is no match.
const PROVIDER_NOT_API = [
  ['^(\\.\\./)+api(/|$)', 'provider/ and api/ never import each other; use the typed client generated from the OpenAPI document.'],
];
const NO_HTTP_BELOW_ROUTES = [
  [folder('http'), 'Services and repositories know nothing of HTTP: throw domain errors (api/errors), take plain values.'],
  ['^express$', 'Services and repositories know nothing of HTTP: no express here.'],
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'provider/cdktf/**',
      'cdktf-examples/**/cdktf.out/**',
      '.tessera/**',
      'provider/protocol/proto/*.generated.ts',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
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
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+api(/|$)', message: 'clients use client/, never api/' }] }],
    },
  },
  // The tessera executable is a plain CommonJS launcher for the bundle.
  { files: ['cli/bin/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    // Type-aware rules: a promise nobody awaits loses its errors; a promise where a callback
    // returning void is expected (an event handler, a setInterval callback) is the same bug.
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  { files: ['provider/protocol/**/*.ts'], rules: { 'no-restricted-imports': restrict([...PROTOCOL_IS_GENERIC, ...PROVIDER_NOT_API]) } },
  { files: ['provider/tessera/**/*.ts', 'provider/resources/**/*.ts'], rules: { 'no-restricted-imports': restrict(PROVIDER_NOT_API) } },
  {
    files: ['api/**/*.ts'],
    ignores: ['api/**/repository.ts', 'api/**/*-repository.ts', 'api/**/service.ts', 'api/**/*-service.ts'],
    rules: { 'no-restricted-imports': restrict(API_NOT_PROVIDER) },
  },
  {
    files: ['api/**/repository.ts', 'api/**/*-repository.ts', 'api/**/service.ts', 'api/**/*-service.ts'],
    rules: { 'no-restricted-imports': restrict([...API_NOT_PROVIDER, ...NO_HTTP_BELOW_ROUTES]) },
  },
);
