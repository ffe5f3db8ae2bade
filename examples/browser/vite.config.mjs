/**
 * Vite config of the browser example: `npx vite examples/browser` (dev) or
 * `npx vite build examples/browser` (writes the static page to the system's temp directory,
 * memspike-example-browser/, outside the repository; serve it with any static server, e.g.
 * `npx vite preview examples/browser`).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  logLevel: 'warn',
  // the dev server's pre-bundled dependencies go to the temp directory too, not into examples/
  cacheDir: join(tmpdir(), 'memspike-example-browser-cache'),
  resolve: {
    // Inside the memspike repository 'memspike' is the package itself, not in node_modules, and vite
    // does not resolve a package's self-reference: point it at the built package (dist/). In your own
    // project, after `npm install memspike`, delete this alias. '#mathjs-loader' inside dist/ is then
    // resolved through package.json's "imports" map with vite's "browser" condition.
    alias: [{ find: /^memspike$/, replacement: fileURLToPath(new URL('../../dist/index.js', import.meta.url)) }],
  },
  build: {
    outDir: join(tmpdir(), 'memspike-example-browser'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
});
