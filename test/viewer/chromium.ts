/**
 * Real headless Chromium (Debian's, through playwright-core) against the built viewer served by
 * the real `memspike view` command on 127.0.0.1. Flags as measured on this machine: SwiftShader
 * gives WebGL2; no --use-gl and no --disable-software-rasterizer (pixi would fall back to Canvas2D).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../bench/viewer.js';
import { MAIN, ROOT } from '../cli/run-cli.js';

/** The launch the benchmark uses (bench/viewer.ts), optionally with extra flags (e.g. --disable-3d-apis). */
export const launch = (extraArgs: readonly string[] = []): Promise<Browser> => launchChromium(extraArgs);

/** A running process and the first JSON line it printed on stdout. */
export interface Served {
  readonly child: ChildProcess;
  readonly info: Record<string, unknown>;
  stop(): Promise<void>;
}

/** Starts `memspike <args>` and waits for its first stdout line that is JSON. */
export function startCli(args: string[], timeoutMs = 30_000): Promise<Served> {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`memspike ${args.join(' ')}: no JSON line within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    child.on('exit', (code) => reject(new Error(`memspike ${args.join(' ')} exited with ${code}; stderr: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const info = JSON.parse(line) as Record<string, unknown>;
        clearTimeout(timer);
        resolve({
          child,
          info,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      } catch {
        /* not the JSON line */
      }
    });
  });
}

/** Collects console errors and page errors of a page (what a user would see as "broken"). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** The status readouts by test id (what a person reads in the status bar). */
export async function readouts(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('[data-testid^=status-]')].map((e) => [e.dataset['testid']!.slice(7), e.textContent ?? ''])));
}

/** Counts pixels brighter than the raster's background in a PNG screenshot (decoded by the browser itself). */
export async function litPixels(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let lit = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 120) lit++;
    return lit;
  }, png.toString('base64'));
}

/** Waits until `probe()` is true, polling. */
export async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await probe())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
