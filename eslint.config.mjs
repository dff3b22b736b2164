// ESLint flat config: type-aware typescript-eslint over every .ts file in tsconfig.json, so the
// rules that need types (floating and misused promises) see the whole program.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The few Node globals the CommonJS helpers (jest's sequencer and reporters, bench probes) use;
// listed here because the `globals` package is not a dependency.
const nodeGlobals = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
  setImmediate: 'readonly',
  URL: 'readonly',
  performance: 'readonly',
};

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/cdktf.out/**',
      '**/.build/**',
      '**/.gen/**',
      '**/dist/**',
      '**/coverage/**',
      '**/.terraform/**',
    ],
  },
  {
    // A disable comment that no longer suppresses anything is an error, so suppressions stay honest.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
  },
  {
    files: ['eslint.config.mjs'],
    languageOptions: { sourceType: 'module' },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // TypeScript itself reports undefined names, with types; ESLint's version misfires on them.
      'no-undef': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          // `({ dropped, ...kept }) =>` is how the code leaves fields out of a copy.
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Tests read synthesized Terraform JSON and SDK command inputs as `any` on purpose (their
    // jest matchers are the type check), so the no-unsafe-* family would flag nearly every line.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Test doubles implement async interfaces (SDK clients, prompts, sleep) with synchronous bodies.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // These files parse and draw terminal output, where \x1b (ANSI escape) and other control
    // characters in a regular expression are the point, not a typo.
    files: ['lib/cdktf-cli.ts', 'lib/progress/*.ts', 'test/support/pty.ts', 'test/deploy/progress.test.ts', 'test/config/configure-cli.test.ts'],
    rules: { 'no-control-regex': 'off' },
  },
);
