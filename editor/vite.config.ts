import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const server = process.env.LATENTFLOW_SERVER ?? 'http://127.0.0.1:8188';

// Built into editor/dist and served by the latentflow server; `vite --config editor/vite.config.ts`
// serves it live, proxying the API to a running server.
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: { '/api': { target: server, ws: true, changeOrigin: false } },
  },
});
