/**
 * The viewer in real headless Chromium, served by the real `memspike view`: it loads without
 * console errors on WebGL; the raster fills while running and freezes when paused; receptive
 * fields change while learning; a saved model loads and classifies; a corrupt file is refused in
 * the page, which stays usable; attach mode shows a real `memspike train --live` run, and closing
 * the viewer leaves that run's result bit for bit the same as without --live.
 *
 * Screenshots for the README are written to docs/img/ when MEMSPIKE_SCREENSHOTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { launch, litPixels, readouts, startCli, until, watchErrors, type Served } from './chromium.js';
import { MAIN, ROOT, runCli } from '../cli/run-cli.js';

const shots = process.env['MEMSPIKE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs', 'img') : null;
/** A screenshot of the whole page at its own height (the way a tall window would show it). */
async function screenshot(page: Page, name: string): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1400, height });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(shots!, name) });
  await page.setViewportSize({ width: 1400, height: 1000 });
}
let browser: Browser;
let view: Served;
let base: string;
let dir: string;
let model: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'memspike-viewer-'));
  model = join(dir, 'small.mspk');
  const r = runCli(['train', '--neurons', '20', '--samples', '60', '--seed', '2', '--out', model, '--json']);
  if (r.code !== 0) throw new Error(`training the test model failed: ${r.stderr}`);
  [browser, view] = await Promise.all([launch(), startCli(['view', '--port', '0', '--json'])]);
  base = String(view.info['url']);
});

afterAll(async () => {
  await browser?.close();
  await view?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(query: string, viewport = { width: 1400, height: 1000 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors = watchErrors(page);
  await page.goto(`${base}${query}`);
  return { page, errors };
}
const simulatedSeconds = async (page: Page) => parseFloat((await readouts(page))['time']);
/** Clicks an export button and returns the downloaded file's bytes. */
async function exported(page: Page, testid: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  const path = await download.path();
  return readFileSync(path);
}
/** Programs the crossbar from the page and returns the column currents the panel exports. */
async function crossbarCurrents(page: Page): Promise<string[]> {
  await page.click('[data-testid=crossbar-program]');
  let lines: string[] = [];
  await until(async () => {
    lines = (await exported(page, 'export-csv-crossbar')).toString('utf8').trim().split(/\r?\n/);
    return lines.length > 1;
  }, 60_000, 'the column currents of the programmed crossbar');
  return lines;
}

describe('the viewer in headless Chromium', () => {
  it('loads without console errors, draws with WebGL, fills the raster while running and freezes it when paused', async () => {
    const { page, errors } = await open('?span=5000&speed=1');
    await until(async () => (await simulatedSeconds(page)) > 0.5, 60_000, 'half a simulated second');
    expect(await page.evaluate(() => document.body.dataset['renderer'])).toBe('webgl');
    const raster = page.locator('[data-testid=raster] canvas');
    const lit1 = await litPixels(page, await raster.screenshot());
    await until(async () => (await simulatedSeconds(page)) > 2.5, 60_000, '2.5 simulated seconds');
    const lit2 = await litPixels(page, await raster.screenshot());
    // a 5 s window fills from the right: more of it is lit after 2.5 s than after 0.5 s
    expect(lit1).toBeGreaterThan(0);
    expect(lit2).toBeGreaterThan(lit1 * 1.5);
    const r = await readouts(page);
    expect(Number(r['spikes'])).toBeGreaterThan(1000);
    expect(r['phase']).toMatch(/^train \d+\/60000$/);
    if (shots) {
      // for the picture: the crossbar view and the drift curve too (each computed on request)
      await page.click('[data-testid=crossbar-program]');
      await page.waitForTimeout(3000);
      await page.click('[data-testid=devices-drift-button]');
      await page.waitForTimeout(3000);
      await screenshot(page, 'viewer-default.png');
      // the clicked button keeps the focus, and Space would press it again instead of pausing
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    }
    await page.keyboard.press('Space');
    await page.waitForTimeout(500);
    const paused1 = await raster.screenshot();
    const t1 = await simulatedSeconds(page);
    await page.waitForTimeout(1500);
    const paused2 = await raster.screenshot();
    expect(await simulatedSeconds(page)).toBe(t1);
    expect(paused2.equals(paused1)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('receptive-field tiles change as the network learns', async () => {
    const { page, errors } = await open('?speed=max&neurons=100');
    const tiles = page.locator('[data-testid=receptive-canvas]');
    await until(async () => Number(await page.getAttribute('[data-testid=panel-receptive]', 'data-draws')) >= 1, 60_000, 'the first receptive fields');
    const before = await tiles.evaluate((c: HTMLCanvasElement) => c.toDataURL());
    await until(async () => /^train (\d+)/.test((await readouts(page))['phase']) && Number(/^train (\d+)/.exec((await readouts(page))['phase'])![1]) >= 5, 120_000, 'five training images');
    await until(async () => (await tiles.evaluate((c: HTMLCanvasElement) => c.toDataURL())) !== before, 30_000, 'new receptive fields');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads a saved model by the file picker and classifies test images with it', async () => {
    const { page, errors } = await open('?speed=max');
    await until(async () => (await simulatedSeconds(page)) > 0, 60_000, 'the default scenario');
    await page.setInputFiles('[data-testid=model-file]', model);
    await until(async () => /small\.mspk/.test((await page.textContent('[data-testid=title]')) ?? ''), 30_000, 'the model title');
    await until(async () => /%$/.test((await readouts(page))['accuracy']), 120_000, 'an accuracy readout');
    const r = await readouts(page);
    expect(r['phase']).toMatch(/^temporal \d+\/10000$/);
    expect(parseFloat(r['accuracy'])).toBeGreaterThanOrEqual(0);
    expect(errors).toEqual([]);
    // the crossbar view of the loaded model: one current per excitatory neuron (20), exported as CSV
    const lines = await crossbarCurrents(page);
    expect(lines[0]).toBe('column,current [normalised]');
    expect(lines.length).toBe(1 + 20);
    expect(lines.slice(1).every((l) => Number.isFinite(Number(l.split(',')[1])))).toBe(true);
    if (shots) await screenshot(page, 'viewer-model.png');
    // … and on the crossbar only: the crossbar phase's running accuracy
    await page.selectOption('[data-testid=evaluate]', 'crossbar');
    await until(async () => /^crossbar .*\d+\/10000$/.test((await readouts(page))['phase']) && /%$/.test((await readouts(page))['accuracy']), 120_000, 'crossbar classification');
    // every panel exports a PNG
    for (const id of ['raster', 'receptive', 'input', 'probe', 'activity', 'devices', 'crossbar', 'accuracy']) {
      const png = await exported(page, `export-png-${id}`);
      expect(png.subarray(1, 4).toString('latin1'), id).toBe('PNG');
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads a model dropped on the page', async () => {
    const { page, errors } = await open('?speed=max');
    await until(async () => (await simulatedSeconds(page)) > 0, 60_000, 'the default scenario');
    const bytes = readFileSync(model).toString('base64');
    await page.evaluate(async (b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], 'dropped.mspk'));
      window.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, cancelable: true }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
    }, bytes);
    await until(async () => /dropped\.mspk: 20 neurons/.test((await page.textContent('[data-testid=title]')) ?? ''), 30_000, 'the dropped model');
    await until(async () => /^temporal /.test((await readouts(page))['phase']), 30_000, 'classification');
    expect(await page.isHidden('#drop')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a corrupt file with a message in the page and stays usable', async () => {
    const { page, errors } = await open('?speed=max');
    await until(async () => (await simulatedSeconds(page)) > 0, 60_000, 'the default scenario');
    const bad = join(dir, 'corrupt.mspk');
    const bytes = readFileSync(model);
    writeFileSync(bad, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await page.setInputFiles('[data-testid=model-file]', bad);
    await until(async () => (await page.isVisible('[data-testid=banner]')) && /corrupt\.mspk/.test((await page.textContent('[data-testid=banner]')) ?? ''), 30_000, 'the error message');
    expect(await page.textContent('[data-testid=banner]')).toMatch(/truncated|corrupt|not a memspike model/i);
    // the running simulation goes on, and the controls say what runs
    expect(await page.textContent('[data-testid=banner]')).toMatch(/The simulation that was running goes on/);
    expect(await page.inputValue('[data-testid=scenario]')).toBe('diehl-cook');
    const running = await simulatedSeconds(page);
    await until(async () => (await simulatedSeconds(page)) > running, 30_000, 'the simulation to go on');
    const notModel = join(dir, 'notes.mspk');
    writeFileSync(notModel, 'hello');
    await page.setInputFiles('[data-testid=model-file]', notModel);
    await until(async () => /notes\.mspk is not a memspike model file/.test((await page.textContent('[data-testid=banner]')) ?? ''), 10_000, 'the second error message');
    // still usable: back to the learning scenario, which runs
    await page.selectOption('[data-testid=scenario]', 'diehl-cook');
    const t0 = await simulatedSeconds(page);
    await until(async () => (await simulatedSeconds(page)) > t0 + 0.2 || (await simulatedSeconds(page)) > 0.2, 60_000, 'the simulation to run again');
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.close();
  });

  it('runs the CUBA network of 4 000 neurons, its raster sub-sampled and saying so', async () => {
    const { page, errors } = await open('?scenario=cuba&speed=max');
    await until(async () => (await simulatedSeconds(page)) > 0.5, 60_000, 'half a simulated second of CUBA');
    expect(await page.textContent('[data-testid=title]')).toMatch(/CUBA, 4000 neurons/);
    const [, group, rows] = /each row merges (\d+) neurons \(4000 neurons in (\d+) rows\)/.exec((await page.textContent('[data-testid=raster-group]')) ?? '') ?? [];
    // every neuron has a row, and the rows fit the raster's 320 pixel rows
    expect(Number(group) * Number(rows)).toBeGreaterThanOrEqual(4000);
    expect(Number(rows)).toBeLessThanOrEqual(320);
    expect((Number(group) - 1) * Number(rows)).toBeLessThan(4000);
    expect(Number((await readouts(page))['spikes'])).toBeGreaterThan(1000);
    expect(await page.textContent('[data-testid=panel-devices]')).toMatch(/no devices/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('turns learning off (the network classifies test images) and on again (training goes on)', async () => {
    const { page, errors } = await open('?speed=max&neurons=50');
    await until(async () => /^train [1-9]/.test((await readouts(page))['phase']), 60_000, 'training');
    await page.click('[data-testid=learning]');
    await until(async () => /^temporal /.test((await readouts(page))['phase']), 30_000, 'classification with learning off');
    expect(await page.textContent('[data-testid=title]')).toMatch(/learning off/);
    await page.click('[data-testid=learning]');
    await until(async () => /^train /.test((await readouts(page))['phase']), 30_000, 'training again');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says so in the page when a URL names a preset the build does not know, and runs hfs2', async () => {
    const { page, errors } = await open('?device=nope&speed=max');
    await until(async () => (await simulatedSeconds(page)) > 0, 60_000, 'the simulation');
    expect(await page.textContent('[data-testid=banner]')).toMatch(/device 'nope' is not a preset this build knows; choose one of float, hfs2/);
    expect(await page.textContent('[data-testid=title]')).toMatch(/on hfs2/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('in a page without WebAssembly, says the simulation runs on the JavaScript kernels, and runs', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    // the page's global only (the Worker keeps its own): what the page tells the user is under test
    await page.addInitScript(() => {
      delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
    });
    await page.goto(`${base}?speed=max`);
    await until(async () => (await simulatedSeconds(page)) > 0, 60_000, 'the simulation');
    expect(await page.textContent('[data-testid=banner]')).toMatch(/no WebAssembly: the simulation runs on memspike's JavaScript kernels/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([['WebGL', '--disable-3d-apis', /no WebGL2, which the spike raster needs/]])('in a browser without %s, says what is missing instead of a blank page', async (_what, flag, message) => {
    const limited = await launch([flag]);
    try {
      const page = await limited.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(base);
      await until(async () => page.isVisible('[data-testid=banner]'), 30_000, 'the message');
      expect(await page.textContent('[data-testid=banner]')).toMatch(message);
      expect(pageErrors).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it('attaches to a real `memspike train --live` run; closing the viewer leaves the result bit for bit as without --live', async () => {
    const args = ['train', '--neurons', '20', '--samples', '1500', '--label-pass', '200', '--seed', '5', '--json'];
    const plain = runCli([...args, '--out', join(dir, 'plain.mspk')]);
    expect(plain.code).toBe(0);
    const child = spawn(process.execPath, [MAIN, ...args, '--out', join(dir, 'live.mspk'), '--live', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    await until(async () => /ws:\/\/127\.0\.0\.1:\d+/.test(stderr), 30_000, 'the live URL on stderr');
    const url = /ws:\/\/127\.0\.0\.1:\d+/.exec(stderr)![0];
    const { page, errors } = await open(`?attach=${encodeURIComponent(url)}`);
    await until(async () => Number((await readouts(page))['spikes']) > 0, 60_000, 'spikes from the live run');
    expect((await readouts(page))['connection']).toContain(url);
    // the crossbar view is computed by the training process, between two of its slices
    expect((await crossbarCurrents(page)).length).toBe(1 + 20);
    expect(errors).toEqual([]);
    await page.close();
    expect(await exited).toBe(0);
    const timeless = (s: string) => JSON.stringify(JSON.parse(s.trim().split('\n').pop()!), (k, v: unknown) => (/seconds|PerSec|eta|out$/i.test(k) ? undefined : v));
    expect(timeless(stdout)).toBe(timeless(plain.stdout));
    expect(readFileSync(join(dir, 'live.mspk')).equals(readFileSync(join(dir, 'plain.mspk')))).toBe(true);
  });
});
