// Lint for the whole repo, including the import boundaries that keep the engine runnable under
// plain Node and the renderer free of main-process code (see ARCHITECTURE.md, "Boundaries").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ELECTRON_ONLY_IN_SHELL = {
  name: 'electron',
  message: 'Only src-main/electron/ may import electron: the engine must run under plain Node (flowtrace serve, tests).',
};

export const boundaryRules = [
  {
    // The engine and the headless shell: plain Node, never Electron.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [ELECTRON_ONLY_IN_SHELL], patterns: [{ group: ['electron/*'], message: ELECTRON_ONLY_IN_SHELL.message }] }],
    },
  },
  {
    // Pure parts shared by every side: no Node, no Electron, no UI.
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'electron', 'react', '**/src-main/**', '**/src-renderer/**', '**/src-preload/**'], message: 'src-shared is the pure contract: it imports nothing from a runtime or a layer.' },
      ] }],
    },
  },
  {
    // The renderer sees the contract only, never main or preload code.
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The renderer reaches the engine through window.flowtrace (the contract), never electron.' }], patterns: [
        { group: ['**/src-main/**', '**/src-preload/**', 'node:*'], message: 'The renderer imports the contract (src-shared) and DOM libraries only.' },
      ] }],
    },
  },
  {
    // The preload: electron's contextBridge/ipcRenderer and the contract, nothing else.
    files: ['src-preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/src-main/**', '**/src-renderer/**', 'node:*'], message: 'The preload imports electron and the contract only.' },
      ] }],
    },
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'native/build/**', 'test-results/**', 'bench/results/**', '.venv-interop/**', '.venv-genai-capture/**', '.venv-fw-*/**', 'test/fixtures/frameworks/capture/js/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', 'scripts/**', 'bin/**', 'native/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
  {
    // CommonJS preloads: `--require` is the flag worker threads inherit (test/support/clock-step.cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { process: 'readonly', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...boundaryRules,
);
