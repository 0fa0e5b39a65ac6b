// @ts-check
import tseslint from 'typescript-eslint';

const MESSAGE = 'Import SDKs only under src/adapters/; depend on a port instead.';
const SDK_PACKAGES = ['etcd3', 'cockatiel', 'bullmq', 'ioredis', 'pino', 'prom-client'];
const SDK_SCOPES = ['@slack/*', '@aws-sdk/*', '@bull-board/*'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.local-cluster/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Ports and adapters: only src/adapters/ (and the logger and the wiring) may import an SDK.
    files: ['src/**/*.ts'],
    ignores: ['src/adapters/**', 'src/log.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: SDK_PACKAGES.map((name) => ({ name, message: MESSAGE, allowTypeImports: true })),
          patterns: [{ group: SDK_SCOPES, message: MESSAGE, allowTypeImports: true }],
        },
      ],
    },
  },
);
