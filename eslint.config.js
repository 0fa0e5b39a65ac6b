// @ts-check
import tseslint from 'typescript-eslint';

const MESSAGE = 'Import SDKs only under src/adapters/; depend on a port instead.';
const SDK_PACKAGES = ['etcd3', 'cockatiel', 'bullmq', 'ioredis', 'pino', 'prom-client', 'bottleneck', 'ssh2', 'ws'];
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
  {
    // Acceptance tests talk to the shipped processes only: nothing from src/, nor the harness
    // pieces that run devbot's code in-process or register scripted job kinds.
    files: ['test/acceptance/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src/**', '**/src'], message: 'Acceptance tests import nothing from src/: start devbot serve / worker / demo and talk to it at the wire.' },
            {
              group: ['**/harness/devbot-test-process*', '**/harness/recorded-steps-job*', '**/fakes/scripted-job-kind*', '**/fakes/fake-*', '**/harness/devbot-fleet*'],
              message: 'Acceptance tests use only shipped entry points; this helper runs devbot code in-process.',
            },
          ],
        },
      ],
    },
  },
);
