// Lint rules, including the import boundaries from ARCHITECTURE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const noDomOrReact = {
  patterns: [
    { group: ['react', 'react-dom', 'react-dom/*'], message: 'model/data/train/latent stay free of React.' },
    { group: ['d3-selection', 'd3'], message: 'model/data/train/latent stay free of the DOM and d3-selection.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'dist-*/', 'test-results/', 'test-results-*/', 'node_modules/', 'public/data/', '.bench/', 'src/engine/assembly/', 'src/engine/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/model/**', 'src/data/**', 'src/train/**', 'src/latent/**'],
    rules: { 'no-restricted-imports': ['error', noDomOrReact] },
  },
  {
    // lib/ and model/ sit below training: what they share with it (types, GPU-loss watching) lives in them.
    files: ['src/lib/**', 'src/model/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...noDomOrReact.patterns,
          { group: ['**/train/*'], message: 'lib/ and model/ never import from train/ (an upward arrow).' },
        ],
      }],
    },
  },
  {
    // The training session's parts sit below what drives them (the worker and the page's client),
    // and each part reaches the others only through what the session hands it.
    files: ['src/train/session/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...noDomOrReact.patterns,
          { regex: '^\\.\\./(worker|client|earlyWorker|measureWorker)$', message: 'The session never imports the worker or the client that drive it (an upward arrow).' },
          { regex: '(^|/)trainingSession$', message: 'A part of the session never imports the session itself.' },
        ],
      }],
    },
  },
  {
    files: ['src/viz/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@tensorflow/*', '**/lib/tf'], message: 'viz/ never imports tfjs.' }] }],
    },
  },
  {
    files: ['src/ui/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@tensorflow/*', '**/lib/tf'], message: 'ui/ never imports tfjs.' },
          { group: ['**/train/worker*', '**/train/trainer*'], message: 'ui/ talks to training only through train/client.' },
        ],
      }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'tests/**/*.mjs', '*.config.mjs'],
    // Node globals, plus the browser globals used inside page.evaluate callbacks.
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', window: 'readonly', document: 'readonly', performance: 'readonly',
        PerformanceObserver: 'readonly', globalThis: 'readonly', requestAnimationFrame: 'readonly',
      },
    },
  },
);
