// Lint rules, including the import boundaries of src/ (the layer table below).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// The layers of src/: each top-level folder and the folders it may import, lowest first. A folder's
// subfolders belong to its layer; an import of any folder not listed (an upward or sideways arrow)
// fails lint with a "layers:" message. The architecture picture in the docs follows this table, and
// tests/unit/importGraph.test.ts also refuses any circle between files or folders (it sees dynamic
// imports and worker entries, which this rule does not). The files at src/ itself (main.tsx,
// startApp.tsx) may import any folder, and no folder imports them.
const LAYERS = {
  lib: [],
  engine: ['lib'],
  backends: ['engine', 'lib'],
  data: ['lib'],
  model: ['data', 'engine', 'backends', 'lib'],
  latent: ['data', 'lib'],
  train: ['model', 'data', 'engine', 'backends', 'lib'],
  viz: ['latent', 'data', 'lib'],
  analysis: ['train', 'model', 'latent', 'data', 'engine', 'backends', 'lib'],
  lesson: ['viz', 'model', 'latent', 'data', 'lib'],
  state: ['lesson', 'train', 'viz', 'model', 'latent', 'data', 'lib'],
  saved: ['state', 'train', 'viz', 'model', 'latent', 'data', 'lib'],
  offline: ['state', 'lib'],
  ui: ['offline', 'saved', 'state', 'lesson', 'analysis', 'train', 'viz', 'model', 'latent', 'data', 'lib'],
  bench: ['offline', 'saved', 'state', 'lesson', 'analysis', 'train', 'viz', 'model', 'latent', 'data', 'engine', 'backends', 'lib'],
};
const ROOT_FILES = ['main', 'startApp'];

// Rules beside the layers: what a folder may not use even from a layer it may import.
const noReact = { group: ['react', 'react-dom', 'react-dom/*'], message: 'model/data/train/latent stay free of React.' };
const noDom = { group: ['d3-selection', 'd3'], message: 'model/data/train/latent stay free of the DOM and d3-selection.' };
const noTfjs = (folder) => [
  { group: ['@tensorflow/*'], message: `${folder}/ never imports tfjs.` },
  { regex: '^(\\.\\./)+lib/tf$', message: `${folder}/ never imports tfjs (lib/tf).` },
];
const EXTRA_RULES = {
  model: [noReact, noDom],
  data: [noReact, noDom],
  train: [noReact, noDom],
  latent: [noReact, noDom],
  viz: noTfjs('viz'),
  ui: [
    ...noTfjs('ui'),
    { regex: '^(\\.\\./)+train/(?!(client|protocol)$)', message: 'ui/ talks to training only through train/client (and its messages in train/protocol).' },
  ],
};

/** no-restricted-imports patterns for one folder: every folder outside its layer, the root files, its extra rules. */
function importRules(folder) {
  const allowed = LAYERS[folder];
  const refused = Object.keys(LAYERS).filter((other) => other !== folder && !allowed.includes(other));
  const allowedText = allowed.length > 0 ? allowed.map((name) => `${name}/`).join(', ') : 'no other folder';
  return [
    ...refused.map((other) => ({
      // Relative specifiers only: '../' steps out of the folder, so a './x' in a subfolder never matches.
      regex: `^(\\.\\./)+${other}(/|$)`,
      message: `layers: ${folder}/ may import ${allowedText}; ${other}/ is not below it (layer table in eslint.config.js).`,
    })),
    { regex: `^(\\.\\./)+(${ROOT_FILES.join('|')})$`, message: `layers: ${folder}/ never imports the app's start files at src/.` },
    ...(EXTRA_RULES[folder] ?? []),
  ];
}

// Rules of a subfolder, on top of its folder's (flat config keeps only the last config's patterns
// for a file, so a subfolder's block repeats its folder's rules). The training session's parts sit
// below what drives them (the worker and the page's client), and reach each other only through
// what the session hands them.
const SUBFOLDER_RULES = {
  'train/session': ['train', [
    { regex: '^\\.\\./(worker|client|earlyWorker|measureWorker)$', message: 'The session never imports the worker or the client that drive it (an upward arrow).' },
    { regex: '(^|/)trainingSession$', message: 'A part of the session never imports the session itself.' },
  ]],
};

const layerConfigs = [
  ...Object.keys(LAYERS).map((folder) => ({
    files: [`src/${folder}/**/*.{ts,tsx}`],
    rules: { 'no-restricted-imports': ['error', { patterns: importRules(folder) }] },
  })),
  ...Object.entries(SUBFOLDER_RULES).map(([subfolder, [folder, extra]]) => ({
    files: [`src/${subfolder}/**/*.{ts,tsx}`],
    rules: { 'no-restricted-imports': ['error', { patterns: [...importRules(folder), ...extra] }] },
  })),
];

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
  ...layerConfigs,
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
