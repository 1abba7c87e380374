/**
 * Builds the web UI (Svelte 5) into ui/dist, which `tracefold serve` serves beside the
 * API. `npm install` runs this build (the `prepare` script), so a fresh clone needs no
 * extra command. In development, `npx vite ui` proxies /api to a running
 * `tracefold serve` (TRACEFOLD_API, default http://127.0.0.1:7420).
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/api': process.env.TRACEFOLD_API ?? 'http://127.0.0.1:7420' } },
});
