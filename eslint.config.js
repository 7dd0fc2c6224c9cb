import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'storybook-static', 'test-results', 'playwright-report', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  wc.configs['flat/recommended'],
  lit.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', customElements: 'readonly', console: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['lit/directives/unsafe-*'], message: 'Backend strings render as text; never as markup.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='innerHTML']", message: 'Backend strings render as text.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-console': ['error', { allow: ['warn', 'error'] }],
      'no-restricted-globals': ['error', 'localStorage', 'sessionStorage'],
    },
  },
  {
    // Browser modules type the contract's bodies with the plain interfaces: the published types must not need zod.
    // The servers (reference, production, the standalone service) validate with zod and sign with jose: their optional peers.
    files: ['src/**/*.ts'],
    ignores: ['src/reference/**', 'src/contract/**', 'src/server/**', 'src/service/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['lit/directives/unsafe-*'], message: 'Backend strings render as text; never as markup.' },
            {
              group: ['**/contract/schemas.js', 'zod', 'zod/*', 'jose'],
              message:
                'Import the body types from contract/bodies.js: browser entries and their types must not need zod or jose.',
            },
          ],
        },
      ],
    },
  },
  {
    // Chai's property assertions (`expect(x).to.exist`) are expressions.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    files: [
      'scripts/**',
      'bin/**',
      'examples/**/*.mjs',
      'test/support/**/*.mjs',
      'test/server/**/*.mjs',
      '*.config.*',
      '.storybook/**',
    ],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly' } },
  },
);
