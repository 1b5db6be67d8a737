// Lint: typescript-eslint's recommended rules, plus the layering rule that keeps
// pure cores free of I/O (no node:* imports), as STYLE.md asks.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureCores = ['src/api/**/*.ts', 'src/apiserver/protobuf/**/*.ts', 'src/controllers/loadbalancer/ranges.ts', 'src/controllers/loadbalancer/pool.ts', 'src/controllers/loadbalancer/service.ts', 'src/agent-announce/election.ts', 'src/agent-announce/desired.ts', 'src/agent-announce/sha256.ts', 'src/printers/**/*.ts', 'src/controllers/ipam/**/*.ts', 'src/apiserver/openapi.ts', 'src/apiserver/table-types.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: pureCores,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'net', 'http', 'https', 'child_process', 'dgram', 'os'], message: 'pure core: no I/O imports (see STYLE.md)' }] }],
    },
  },
);
