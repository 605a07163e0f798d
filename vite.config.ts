/// <reference types="vitest/config" />
// Vite build and dev server, plus the Vitest unit-test settings.
// COOP/COEP make the page cross-origin isolated, which threaded wasm needs (SharedArrayBuffer).
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { contentSecurityPolicy, CONTENT_SECURITY_POLICY_HEADER } from './scripts/contentSecurityPolicy.mjs';

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
// The built app is served with its Content-Security-Policy as a header too (it also covers the
// workers, see scripts/contentSecurityPolicy.mjs); the dev server has none, for Vite's inline scripts.
const previewHeaders = { ...isolationHeaders, 'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER };

export default defineConfig({
  plugins: [
    react(),
    // Every built page carries the Content-Security-Policy in a <meta> (no inline script, no eval).
    contentSecurityPolicy(),
    // Offline: a Workbox service worker precaches the built app, every wasm file the build emits
    // (tfjs's and our own kernels) and the packed digits, so after one visit the page loads and
    // trains with the network off. Cached responses keep the headers they were fetched with, so
    // the page stays cross-origin isolated (COOP/COEP) when served from the cache. Registered by
    // a module import in startApp.tsx (no inline script, for the Content-Security-Policy). The user's
    // own files are read from disk and never fetched, so they never reach the cache.
    // A new version waits until the visitor reloads into it from the header's "Updating…" sign
    // (registerType 'prompt'): taking over by itself would reload the page in the middle of a
    // lesson, or leave it running old code whose files the new cache no longer holds.
    VitePWA({
      injectRegister: false,
      registerType: 'prompt',
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,svg,wasm,gz}'],
        globIgnores: ['bench.html', '**/bench-*.js'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/bench\.html$/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: false,
      },
    }),
  ],
  base: './',
  // Workers are bundled without renaming or compressing: the wasm backend starts its threads from a
  // Blob made of its factory's own source text (Function.toString), which only works if that source
  // is left as written. The page's own bundle is minified as usual.
  worker: { format: 'es', rollupOptions: { output: { minify: 'dce-only' } } },
  server: { headers: isolationHeaders },
  preview: { headers: previewHeaders },
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
    // A hook does real work too (the MNIST packer's run, a model trained once for several tests): the
    // default 10 s failed it on a loaded machine, where the same work takes longer but finishes.
    hookTimeout: 60_000,
    pool: 'forks',
    // Every core: Vitest's default leaves one free, which on a 2-core machine ran the files one at
    // a time (about 80 s, against about 55 s on both cores).
    maxWorkers: availableParallelism(),
  },
});
