import tseslint from 'typescript-eslint';

/** typescript-eslint strict-type-checked, as STYLE §8 asks; no default exports. */
export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'bench/**', 'jest.config.js', 'eslint.config.js', 'test/interop/**', 'docker/**'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['test/*/*.ts', 'test/*/*/*.ts', 'packages/*/src/*.test.ts', 'packages/*/src/*/*.test.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'No default exports (STYLE §8).' }],
    },
  },
);
