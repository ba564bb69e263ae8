import tseslint from 'typescript-eslint';

const testFiles = ['test/**/*.ts', 'packages/*/src/**/*.test.ts'];

/** typescript-eslint strict-type-checked, as STYLE §8 asks; no default exports. */
export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'bench/**', 'jest.config.js', 'eslint.config.js', 'test/interop/**', 'docker/**'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Property handlers, content hooks and methods implement interfaces that return Promises
      // (`get: async (r) => r.etag`). Keeping them `async` even without an `await` means a
      // synchronous throw still surfaces as a rejection, which the callers rely on.
      '@typescript-eslint/require-await': 'off',
      // `_`-prefixed names are deliberately unused: Express tells error middleware by its four
      // parameters (`_next`), type guards such as `(_: Resource): _ is Resource => true`, and
      // rest destructuring that drops fields (`const { nodeId: _n, ...values } = row`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'No default exports (STYLE §8).' }],
    },
  },
  {
    // Tests are outside the package projects (which exclude *.test.ts and test/); they are type-checked
    // by tsconfig.test.json, strict like the packages, with @partage/* resolved to the sources.
    files: testFiles,
    languageOptions: {
      parserOptions: { projectService: false, project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
  },
);
