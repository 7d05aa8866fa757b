import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tools/**', '.test-output/**', 'media/**/*.min.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-restricted-imports': 'off',
    },
  },
  // Boundaries (docs/ARCHITECTURE.md): core imports nothing of ours but core; the local service (its own process)
  // imports core; the CLI and the VS Code layer reach the service only over HTTP, through core (client, localService).
  ...[
    { files: ['src/core/**/*.ts'], banned: ['vscode', '../local', '../cli', '../vscode', '../extension'], why: 'src/core is shared plain Node: it imports only src/core.' },
    { files: ['src/local/**/*.ts'], banned: ['vscode', '../cli', '../vscode', '../../cli', '../../vscode', '../extension'], why: 'src/local is the local service process: plain Node, it imports only src/core and src/local.' },
    { files: ['src/cli/**/*.ts'], banned: ['vscode', '../local', '../vscode', '../extension'], why: 'src/cli is plain Node and talks to the local service over HTTP through src/core.' },
    { files: ['src/vscode/**/*.ts', 'src/extension.ts'], banned: ['../local', './local', '../cli', './cli'], why: 'the VS Code layer talks to the local service over HTTP through src/core, never by importing it.' },
  ].map(({ files, banned, why }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: banned.filter((b) => b === 'vscode').map((name) => ({ name, message: why })), patterns: banned.filter((b) => b !== 'vscode').map((b) => ({ group: [b, `${b}/**`], message: why })) },
      ],
    },
  })),
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', window: 'readonly', document: 'readonly', Element: 'readonly', acquireVsCodeApi: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
