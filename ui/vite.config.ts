/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The console is served to the Tauri webview from ui/dist (production) or
// from this dev server (`tauri dev`, devUrl http://127.0.0.1:1420).
export default defineConfig({
  base: './',
  plugins: [react()],
  clearScreen: false,
  server: {
    host: '127.0.0.1',
    port: 1420,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    // `npx vitest bench --run`: the designer's edit benchmark.
    benchmark: { include: ['bench/**/*-bench.ts'] },
    restoreMocks: true,
  },
});
