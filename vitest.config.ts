import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';


export default defineConfig({
  // The package's "imports" map points '#mathjs-loader' into dist/; tests run the sources.
  resolve: { alias: { '#mathjs-loader': fileURLToPath(new URL('./core/mathjs-node.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
