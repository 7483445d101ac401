// Builds the console into dist/ (index.html + hashed files under assets/), served by the placement center at `/`.
// Everything is bundled: the page loads nothing from any other origin.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // Preact's automatic JSX runtime, without a Babel-based plugin
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
  },
});
