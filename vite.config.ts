/// <reference types="vitest/config" />
// Vite build and dev server, plus the Vitest unit-test settings.
// COOP/COEP make the page cross-origin isolated, which threaded wasm needs (SharedArrayBuffer).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  base: './',
  // Workers are bundled without renaming or compressing: the wasm backend starts its threads from a
  // Blob made of its factory's own source text (Function.toString), which only works if that source
  // is left as written. The page's own bundle is minified as usual.
  worker: { format: 'es', rollupOptions: { output: { minify: 'dce-only' } } },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // bench.html is the baseline page of `npm run bench`; the app itself is index.html.
    rollupOptions: { input: { app: 'index.html', bench: 'bench.html' } },
  },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
