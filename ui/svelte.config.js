// Svelte compiler options for the UI (Vite's root is ui/, so this file lives here).
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
};
