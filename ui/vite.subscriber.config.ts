import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The subscriber web app, served by wicket-server at /s/{accountId} from
// ui/dist-web (subscriber.html plus /s/assets/…).
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/s/',
  plugins: [react()],
  clearScreen: false,
  build: {
    outDir: 'dist-web',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    rollupOptions: {
      input: { subscriber: fileURLToPath(new URL('./subscriber.html', import.meta.url)) },
    },
  },
});
