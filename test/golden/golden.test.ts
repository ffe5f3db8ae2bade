/**
 * Golden trajectory hashes (test/golden/trajectories.ts): the same bits in Node and in headless
 * Chromium. Every transcendental value in a kernel or a build-time constant comes from core/math.ts
 * (IEEE +, −, ×, /, sqrt and tables only), so no engine's Math library can move a bit.
 *
 * A hash changes when the physics or the draws change: then find out why; update it only if the new
 * trajectory is what the model gives (and say so in the commit). The name in the failure says which.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { build } from 'rolldown';
import { goldenHashes, TRAJECTORIES } from './trajectories.js';
import { launch } from '../viewer/chromium.js';
import { CHROMIUM } from '../../bench/viewer.js';

/** The hashes every engine must give (V8 in Node 20 and Chromium measured equal). */
const GOLDEN: Readonly<Record<string, string>> = {
  elementary: '62a430781a6747c2',
  draws: '652d6ff820caf082',
  cuba: 'e85f64e73ae3f5e3',
  'cuba-float32': 'a7e5c3d0a6856726',
  poissonDriven: '3094fcfcd15ad7d4',
  'diehlCook-float': '4d1a424342c68583',
  'diehlCook-hfs2': '309e49e5c00ec561',
  'mlp-js': 'b4625de31c2fc573',
  'mlp-wasm': 'b4625de31c2fc573',
  devices: 'be761a4902ca0ac3',
};

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

describe('golden trajectory hashes', () => {
  it('lists every trajectory', () => {
    expect(Object.keys(GOLDEN).sort()).toEqual(Object.keys(TRAJECTORIES).sort());
  });

  it.each(Object.keys(TRAJECTORIES))('%s has its golden hash in Node', (name) => {
    expect(TRAJECTORIES[name](), `trajectory '${name}' changed`).toBe(GOLDEN[name]);
  });

  it('the JavaScript and WebAssembly MLP kernels give the same trajectory', () => {
    expect(GOLDEN['mlp-wasm']).toBe(GOLDEN['mlp-js']);
  });
});

describe.skipIf(!existsSync(CHROMIUM))('golden trajectory hashes in headless Chromium', () => {
  let browser: Browser;
  let code = '';
  beforeAll(async () => {
    const bundle = await build({
      input: here('./trajectories.ts'),
      platform: 'browser',
      write: false,
      resolve: { alias: { '#mathjs-loader': here('../../core/mathjs-browser.ts') } },
      output: { format: 'iife', name: 'golden' },
      logLevel: 'silent',
    });
    code = bundle.output[0].code;
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('every trajectory has the same hash as in Node', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent('<!doctype html><title>golden</title>');
    await page.addScriptTag({ content: code });
    const inBrowser = await page.evaluate(() => (globalThis as unknown as { golden: { goldenHashes(): Record<string, string> } }).golden.goldenHashes());
    expect(errors).toEqual([]);
    for (const name of Object.keys(TRAJECTORIES)) expect(inBrowser[name], `trajectory '${name}' differs in Chromium`).toBe(GOLDEN[name]);
    await page.close();
  }, 300_000);
});

/** For updating GOLDEN by hand: `node -e` is not enough (TypeScript); vitest prints this on demand. */
if (process.env['MEMSPIKE_PRINT_GOLDEN'] === '1') console.log(JSON.stringify(goldenHashes(), null, 2));
