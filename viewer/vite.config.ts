/**
 * The viewer's build: a static bundle in dist/viewer/ that any static server can serve (relative
 * URLs throughout). The engine runs in a module Worker bundled from viewer/worker/engine.ts.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  // The viewer bundles the library's sources: the browser's mathjs loader (the package's "imports" map
  // would point into dist/).
  resolve: { alias: { '#mathjs-loader': fileURLToPath(new URL('../core/mathjs-browser.ts', import.meta.url)) } },
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/viewer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
  worker: { format: 'es' },
});
