/** Builds the web console (src/admin/console) into dist/console, served by the gateway at /console/. */
import { resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname, 'src/admin/console'),
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/console'),
    emptyOutDir: true,
    // The CSP allows no inline script or style and no data: fonts: every asset is a file.
    assetsInlineLimit: 0,
    target: 'es2022',
    sourcemap: false,
  },
});
