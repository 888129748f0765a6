/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';

import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dev server forwards /api to a locally running `kubarr serve`
// (KUBARR_LISTEN defaults to 127.0.0.1:8080). Override with KUBARR_API_URL.
const apiTarget = process.env.KUBARR_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  preview: { host: '127.0.0.1', port: 4173 },
  build: {
    outDir: 'dist',
    manifest: true,
    sourcemap: false,
    target: 'es2022',
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup-tests.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'eslint/**/*.test.js'],
    css: false,
    // Deadlines, not expectations of speed: a journey-style component test types and clicks
    // through several screens, which on a loaded 2-core machine can take far longer than the
    // 5 s default without anything being wrong. A test that hangs still fails.
    testTimeout: 60_000,
    restoreMocks: true,
    unstubGlobals: true,
  },
});
