// A short, commented rule list rather than a preset soup (style.md, section 11).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', 'neo4j/launcher/target/', 'test/__generated__/', '.data/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Type-only imports vanish at compile time; verbatimModuleSyntax relies on them.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Modules add their loaders to the context by declaration merging (src/context.ts).
      '@typescript-eslint/no-empty-object-type': [
        'error',
        { allowInterfaces: 'with-single-extends' },
      ],
      // Braces always: with Prettier wrapping long lines, 'multi-line' kept flip-flopping.
      curly: ['error', 'all'],
    },
  },
  {
    // A forgotten promise is a lost error or an unfinished write. (Source only: node:test's
    // describe/it return promises the runner itself tracks.)
    files: ['src/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // Only configuration parsing reads the environment (style rule 7).
    files: ['src/**/*.ts'],
    // Entry points hand process.env to loadConfig; the launcher passes PATH on to java.
    ignores: ['src/config.ts', 'src/main.ts', 'src/cli/**', 'src/datasources/neo4j-launcher.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read settings from Config (src/config.ts).',
        },
      ],
    },
  },
  {
    // Logs are structured (pino); only the command-line entry points print for humans.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/main.ts', 'src/banner.ts'],
    rules: { 'no-console': 'error' },
  },
);
