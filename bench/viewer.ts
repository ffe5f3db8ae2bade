/**
 * `memspike bench viewer`: the live viewer in real headless Chromium (Debian's, through
 * playwright-core, WebGL2 on SwiftShader) against the built viewer (dist/viewer/) served on
 * 127.0.0.1, for Diehl & Cook 400 + 400 learning MNIST on hfs2 devices and for CUBA 4 000 neurons,
 * both at speed max with every panel drawing. After `--warmup` seconds it measures, over
 * `--seconds` of wall time, what the page reads out: frames drawn per second (status-fps),
 * simulated steps per wall second and the worker's busy fraction (from the frames' busyMs), spikes
 * the raster drew per second, and simulated ms per wall ms.
 *
 * The reference is the same network in this Node process (the worker's spec; no page), and the
 * machine is shared and noisy, so the two alternate: the measured time is cut into rounds of about
 * 5 s, and each round runs the page for a while, then pauses it (its play button) and runs Node for
 * as long. worker_speed_vs_node = browser steps/s ÷ Node steps/s over all rounds. On Linux the CPU
 * time of every Chromium thread of this run is read from /proc: where the time goes (the worker,
 * the page's main thread, SwiftShader in the GPU process), and the speed ratio per CPU second
 * (what the worker would do with a core of its own).
 *
 * Targets (issue 15): ≥ 30 fps with every panel visible, worker speed ≥ 0.9 of Node's.
 *
 * Diagnostics (not part of the targets): --page idle stops the page drawing (requestAnimationFrame
 * never fires), so the worker runs beside an idle page; --hide <selector> hides those elements
 * (display: none), e.g. the receptive-field panel; --init-script runs a script in the page before its
 * own (to try a setting without a rebuild).
 *
 * The viewer is served by the real `memspike view --port 0` (a child process: bench/ does not import
 * cli/), so the benchmark measures what users run.
 */
import type { Browser, Page } from 'playwright-core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Benchmark } from './types.js';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '../networks/datasets/idx-node.js';
import { DiehlCookExperiment } from '../networks/diehl-cook/experiment.js';
import { resolveSpec } from '../networks/diehl-cook/spec.js';
import { cubaNetwork } from '../networks/cuba.js';
import type { ImageDataset } from '../networks/datasets/image-dataset.js';

/** Starts `memspike view --port 0 --json` (this installation's CLI) and returns its URL. */
function serveViewer(): Promise<{ readonly url: string; close(): Promise<void> }> {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const child = spawn(process.execPath, [main, 'view', '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`memspike view exited with ${String(code)}: ${stderr.trim()}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      let url: string;
      try {
        url = String((JSON.parse(line) as { url: unknown }).url);
      } catch {
        reject(new Error(`memspike view printed ${JSON.stringify(line)}, not its JSON line.`));
        return;
      }
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export const CHROMIUM = '/usr/lib/chromium/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const TARGETS = Object.freeze({ fps: 30, worker_speed_vs_node: 0.9 });
/** tallest viewport tried to get every panel on screen at once */
const MAX_HEIGHT = 4800;
/** wall time of one browser (and one Node) part of a round [s] */
const ROUND_S = 5;

type Scenario = 'dc' | 'cuba';
const URLS: Readonly<Record<Scenario, string>> = {
  dc: '?scenario=diehl-cook&play=1&speed=max&neurons=400&seed=1&device=hfs2',
  cuba: '?scenario=cuba&play=1&speed=max&neurons=4000&seed=1',
};
const TITLES: Readonly<Record<Scenario, string>> = { dc: 'Diehl & Cook 400 + 400 learning MNIST (hfs2)', cuba: 'CUBA 4000 neurons' };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

// ——— CPU time from /proc (Linux; null elsewhere) ———

const TICK_S = 0.01; // USER_HZ is 100 on Linux

/** utime + stime [s] of one thread's or process's stat line. */
function statCpu(path: string): number {
  const f = readFileSync(path, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_S;
}

/** CPU seconds of the calling thread (Node's main thread), or NaN without /proc. */
function threadCpu(): number {
  try {
    return statCpu('/proc/thread-self/stat');
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds of the Chromium threads of this run (descendants of this process), by role. */
type CpuByRole = Record<'worker' | 'page_main' | 'renderer_other' | 'gpu_viz' | 'gpu_swiftshader' | 'gpu_other' | 'other', number>;
const NO_CPU: CpuByRole = Object.freeze({ worker: 0, page_main: 0, renderer_other: 0, gpu_viz: 0, gpu_swiftshader: 0, gpu_other: 0, other: 0 });
function chromiumCpu(): CpuByRole | null {
  const out: CpuByRole = { ...NO_CPU };
  try {
    const parent = new Map<number, number>();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const f = readFileSync(`/proc/${d}/stat`, 'utf8');
        parent.set(Number(d), Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        /* gone */
      }
    }
    const ours = (pid: number): boolean => {
      for (let p = parent.get(pid), hops = 0; p !== undefined && p > 1 && hops < 8; p = parent.get(p), hops++) if (p === process.pid) return true;
      return false;
    };
    for (const pid of parent.keys()) {
      if (!ours(pid)) continue;
      let cmd: string;
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (!cmd.startsWith(CHROMIUM)) continue;
      const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        let cpu: number;
        let comm: string;
        try {
          cpu = statCpu(`/proc/${pid}/task/${tid}/stat`);
          comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        } catch {
          continue;
        }
        if (type === 'renderer') {
          if (comm.startsWith('DedicatedWorker')) out.worker += cpu;
          else if (tid === String(pid)) out.page_main += cpu;
          else out.renderer_other += cpu;
        } else if (type === 'gpu-process') {
          // the display compositor; SwiftShader's rasterising threads (Thread<NN>); the rest (GL command execution)
          if (comm.startsWith('VizCompositor')) out.gpu_viz += cpu;
          else if (/^Thread<\d+>$/.test(comm)) out.gpu_swiftshader += cpu;
          else out.gpu_other += cpu;
        }
        else out.other += cpu;
      }
    }
    return out;
  } catch {
    return null;
  }
}

// ——— Node reference ———

interface NodeRunner {
  /** runs n steps */
  advance(n: number): void;
  readonly dt: number;
}

let mnist: { train: ImageDataset; test: ImageDataset } | null = null;

/** The worker's Diehl & Cook learning run (spec defaults + what the viewer sets), fresh, in this process. */
function nodeDc(): NodeRunner {
  mnist ??= { train: loadMnist({ split: 'train' }), test: loadMnist({ split: 'test' }) };
  const spec = resolveSpec({ neurons: 400, seed: 1, device: 'hfs2', cell: 'pair', data: { train: 'mnist', test: 'mnist' }, schedule: [{ phase: 'train', samples: 60000 }] });
  const exp = new DiehlCookExperiment(spec, mnist);
  return {
    advance(n) {
      exp.advance({ steps: n });
      if (exp.finished) throw new Error('bench viewer: the Node reference ran out of training images; use a shorter --seconds.');
    },
    dt: exp.trained.model.net.dt,
  };
}

/** CUBA 4000 (networks/cuba.ts), built and run in this process. */
function nodeCuba(): NodeRunner {
  const { net } = cubaNetwork({ neurons: 4000, seed: 1 });
  net.build();
  return { advance: (n) => net.runSteps(n), dt: net.dt };
}

/** Runs the reference in slices of 1000 steps for `seconds`; its steps, wall and CPU time. */
function runNode(r: NodeRunner, seconds: number): { steps: number; wall_s: number; cpu_s: number } {
  const c0 = threadCpu();
  const t0 = performance.now();
  let t = t0;
  let steps = 0;
  while (t - t0 < seconds * 1000) {
    r.advance(1000);
    steps += 1000;
    t = performance.now();
  }
  return { steps, wall_s: (t - t0) / 1000, cpu_s: threadCpu() - c0 };
}

// ——— the page ———

interface Snapshot {
  readonly now: number;
  readonly steps: number;
  readonly busyMs: number;
  readonly spikesDrawn: number;
  readonly renderer: string;
  readonly raf: number;
  /** animation frames more than 50 ms after the one before */
  readonly gaps: number;
  /** main-thread tasks over 50 ms, and their total duration */
  readonly longN: number;
  readonly longMs: number;
  /** wall ms the page spent drawing each panel so far, when it says (window.memspike.drawMs) */
  readonly drawMs: Record<string, number> | null;
  readonly fps: number;
  readonly banner: string | null;
}

const SNAPSHOT = `(() => {
  const m = window.memspike ?? {};
  const fps = Number(document.querySelector('[data-testid=status-fps]')?.textContent);
  const banner = document.getElementById('banner');
  return { now: performance.now(), steps: m.steps ?? 0, busyMs: m.busyMs ?? 0, spikesDrawn: m.spikesDrawn ?? 0, renderer: m.renderer ?? 'none',
    raf: window.__benchRaf ?? 0, gaps: window.__benchGaps ?? 0, longN: window.__benchLong?.n ?? 0, longMs: window.__benchLong?.ms ?? 0, drawMs: m.drawMs ?? null, fps: Number.isFinite(fps) ? fps : 0, banner: banner && !banner.hidden ? banner.textContent : null };
})()`;

const PANELS = `(() => {
  const W = innerWidth, H = innerHeight;
  const ps = [...document.querySelectorAll('section.panel')].map((p) => p.getBoundingClientRect());
  const shown = ps.filter((r) => r.width > 0 && r.height > 0);
  return {
    total: ps.length,
    shown: shown.length,
    visible: shown.filter((r) => r.right > 0 && r.bottom > 0 && r.left < W && r.top < H).length,
    whole: shown.filter((r) => r.left >= 0 && r.top >= 0 && r.right <= W && r.bottom <= H).length,
    height: Math.ceil(Math.max(document.documentElement.scrollHeight, ...ps.map((r) => r.bottom + scrollY))),
  };
})()`;
interface PanelCount {
  total: number;
  shown: number;
  visible: number;
  whole: number;
  height: number;
}

/** Counts requestAnimationFrame callbacks (how often the page could draw; the viewer draws at most ~31 of them a second). */
const RAF_COUNTER = `(() => {
  window.__benchRaf = 0; window.__benchGaps = 0; let last = 0;
  const tick = (now) => { window.__benchRaf++; if (last > 0 && now - last > 50) window.__benchGaps++; last = now; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;
/** Main-thread tasks over 50 ms (the Long Tasks API): how often the page's own work blocks its frames. */
const LONG_TASKS = `(() => {
  window.__benchLong = { n: 0, ms: 0 };
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) { window.__benchLong.n++; window.__benchLong.ms += e.duration; } }).observe({ type: 'longtask' }); } catch {}
})()`;
/** --page idle: the page never gets an animation frame, so it never draws. */
const NO_RAF = `window.requestAnimationFrame = () => 0;`;

interface PageRun {
  readonly page: Page;
  readonly url: string;
  readonly errors: string[];
  readonly load_s: number;
  readonly panels: PanelCount;
  readonly viewport: { width: number; height: number };
}

/** Opens the scenario, waits for the simulation to run, sets speed max, warms up, puts every panel on screen. */
async function openPage(browser: Browser, base: string, scenario: Scenario, o: Options, log: (line: string) => void): Promise<PageRun> {
  const viewport = { ...o.viewport };
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  if (o.idle) await page.addInitScript(NO_RAF);
  if (o.initScript !== '') await page.addInitScript(o.initScript);
  const url = base + URLS[scenario];
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  if (o.hide !== '') await page.addStyleTag({ content: `${o.hide} { display: none !important; }` });
  // the simulation starts once the worker has its data (MNIST: ~55 MB fetched and parsed)
  for (;;) {
    const s = await page.evaluate<Snapshot>(SNAPSHOT);
    if (s.steps > 0) break;
    if (s.banner !== null && errors.length > 0) throw new Error(`bench viewer: the page at ${url} says "${s.banner}" (console: ${errors.join(' | ')})`);
    if (Date.now() - t0 > 180_000) throw new Error(`bench viewer: no simulation step within 180 s at ${url}${s.banner ? `; the page says "${s.banner}"` : ''}${errors.length ? `; console: ${errors.join(' | ')}` : ''}`);
    await sleep(200);
  }
  const load = (Date.now() - t0) / 1000;
  // ?speed=max reaches the worker before it has a pacer and is lost (the run starts at 1×):
  // choose 'max' in the speed control, as a person would (this fires its change event either way)
  await page.selectOption('[data-testid=speed]', 'max');
  log(`  ${scenario}: running after ${load.toFixed(1)} s; warming up for ${o.warmup} s`);
  await sleep(o.warmup * 1000);
  // every panel on screen: grow the viewport to the page's height if it has to (up to MAX_HEIGHT)
  let panels = await page.evaluate<PanelCount>(PANELS);
  if (o.growViewport && panels.whole < panels.shown) {
    viewport.height = Math.min(MAX_HEIGHT, Math.max(viewport.height, panels.height + 8));
    await page.setViewportSize(viewport);
    await sleep(1000);
    panels = await page.evaluate<PanelCount>(PANELS);
  }
  if (panels.visible < panels.total) log(`  ${scenario}: only ${panels.visible} of ${panels.total} panels are visible at ${viewport.width}×${viewport.height}`);
  if (!o.idle) await page.evaluate(RAF_COUNTER);
  await page.evaluate(LONG_TASKS);
  return { page, url, errors, load_s: load, panels, viewport };
}

/** Presses the page's play/pause button (when needed) and waits until the page is playing or paused as asked. */
async function setPlaying(page: Page, playing: boolean): Promise<void> {
  const button = page.locator('[data-testid=play]');
  if (((await button.textContent()) ?? '').includes('pause') !== playing) await button.click();
  const t0 = Date.now();
  while (((await button.textContent()) ?? '').includes('pause') !== playing) {
    if (Date.now() - t0 > 5000) throw new Error(`bench viewer: the play button did not switch to ${playing ? 'pause' : 'play'}.`);
    await sleep(50);
  }
}

/** Sums over the browser parts of the rounds. */
interface PageTotals {
  wall_s: number;
  steps: number;
  busy_s: number;
  spikes: number;
  raf: number;
  gaps: number;
  longN: number;
  longMs: number;
  drawMs: Record<string, number> | null;
  fps: number[];
  cpu: CpuByRole | null;
  renderer: string;
  banner: string | null;
}

async function measurePage(page: Page, seconds: number, t: PageTotals): Promise<void> {
  const c0 = chromiumCpu();
  const a = await page.evaluate<Snapshot>(SNAPSHOT);
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await sleep(Math.min(1000, Math.max(0, end - Date.now())));
    if (Date.now() <= end + 50) t.fps.push((await page.evaluate<Snapshot>(SNAPSHOT)).fps);
  }
  const b = await page.evaluate<Snapshot>(SNAPSHOT);
  const c1 = chromiumCpu();
  t.wall_s += (b.now - a.now) / 1000;
  t.steps += b.steps - a.steps;
  t.busy_s += (b.busyMs - a.busyMs) / 1000;
  t.spikes += b.spikesDrawn - a.spikesDrawn;
  t.raf += b.raf - a.raf;
  t.gaps += b.gaps - a.gaps;
  t.longN += b.longN - a.longN;
  t.longMs += b.longMs - a.longMs;
  if (a.drawMs !== null && b.drawMs !== null) {
    t.drawMs ??= {};
    for (const [k, v] of Object.entries(b.drawMs)) t.drawMs[k] = (t.drawMs[k] ?? 0) + v - (a.drawMs[k] ?? 0);
  }
  t.renderer = b.renderer;
  t.banner = b.banner;
  if (t.cpu !== null && c0 !== null && c1 !== null) for (const k of Object.keys(t.cpu) as (keyof CpuByRole)[]) t.cpu[k] += c1[k] - c0[k];
  else t.cpu = null;
}

/** Debian's Chromium through playwright-core (imported here, so library users never load it), with this machine's measured flags plus `extraArgs`. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`bench viewer: ${CHROMIUM} is missing; install Debian's Chromium: apt-get install -y chromium`);
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Error(`bench viewer: playwright-core is not installed (${(e as Error).message}); run \`npm install\` in the memspike folder (it is a dev dependency).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

interface Options {
  readonly seconds: number;
  readonly warmup: number;
  readonly idle: boolean;
  readonly hide: string;
  readonly viewport: { readonly width: number; readonly height: number };
  /** make the viewport taller when a panel does not fit */
  readonly growViewport: boolean;
  /** JavaScript run in the page before its own ('' for none) */
  readonly initScript: string;
}

async function runScenario(browser: Browser, base: string, s: Scenario, o: Options, log: (line: string) => void): Promise<Record<string, unknown>> {
  log(`${s}: ${TITLES[s]} — Node reference warm-up (${o.warmup} s)…`);
  const node = s === 'dc' ? nodeDc() : nodeCuba();
  runNode(node, o.warmup);
  const p = await openPage(browser, base, s, o, log);
  try {
    const rounds = Math.max(2, Math.round(o.seconds / ROUND_S));
    const part = o.seconds / rounds;
    const t: PageTotals = { wall_s: 0, steps: 0, busy_s: 0, spikes: 0, raf: 0, gaps: 0, longN: 0, longMs: 0, drawMs: null, fps: [], cpu: chromiumCpu() === null ? null : { ...NO_CPU }, renderer: 'none', banner: null };
    const n = { steps: 0, wall_s: 0, cpu_s: 0 };
    const nodeRates: number[] = [];
    const pageRates: number[] = [];
    log(`  ${rounds} rounds of ${part.toFixed(1)} s in Chromium, then ${part.toFixed(1)} s in Node (page paused)`);
    for (let i = 0; i < rounds; i++) {
      const before = t.steps;
      const wallBefore = t.wall_s;
      await measurePage(p.page, part, t);
      pageRates.push((t.steps - before) / (t.wall_s - wallBefore));
      await setPlaying(p.page, false);
      await sleep(200);
      const r = runNode(node, part);
      n.steps += r.steps;
      n.wall_s += r.wall_s;
      n.cpu_s += r.cpu_s;
      nodeRates.push(r.steps / r.wall_s);
      await setPlaying(p.page, true);
      await sleep(300);
      log(`  round ${i + 1}: Chromium ${pageRates[i].toFixed(0)} steps/s, Node ${nodeRates[i].toFixed(0)} steps/s`);
    }
    if (t.banner !== null) log(`  ${s}: the page says "${t.banner}"`);
    const pageSteps = t.steps / t.wall_s;
    const nodeSteps = n.steps / n.wall_s;
    const ratio = pageSteps / nodeSteps;
    const fps = t.fps.reduce((a, x) => a + x, 0) / Math.max(1, t.fps.length);
    const cpu = t.cpu === null ? null : { ...Object.fromEntries(Object.entries(t.cpu).map(([k, v]) => [k, round(v / t.wall_s, 3)])), total: round(Object.values(t.cpu).reduce((a, v) => a + v, 0) / t.wall_s, 3) };
    const workerCpu = t.cpu === null ? Number.NaN : t.cpu.worker / t.wall_s;
    const nodeCpu = n.cpu_s / n.wall_s;
    const perCpu = t.cpu === null || !(n.cpu_s > 0) ? null : t.steps / t.cpu.worker / (n.steps / n.cpu_s);
    const met = {
      fps: fps >= TARGETS.fps,
      worker_speed_vs_node: ratio >= TARGETS.worker_speed_vs_node,
      renderer_webgl: t.renderer === 'webgl',
      panels_all_visible: p.panels.total > 0 && p.panels.visible === p.panels.total,
      no_page_errors: p.errors.length === 0,
    };
    log(`  ${s}: ${fps.toFixed(1)} fps, worker ${pageSteps.toFixed(0)} steps/s = ${ratio.toFixed(3)} of Node's ${nodeSteps.toFixed(0)}${perCpu === null ? '' : ` (${perCpu.toFixed(3)} per CPU second; worker thread ${workerCpu.toFixed(2)} cores, Node ${nodeCpu.toFixed(2)})`}`);
    return {
      scenario: s,
      title: TITLES[s],
      url: p.url,
      renderer: t.renderer,
      fps: round(fps, 2),
      fps_min: Math.min(...t.fps),
      raf_per_s: round(t.raf / t.wall_s, 1),
      // animation frames > 50 ms after the previous one, and main-thread tasks > 50 ms (count, ms) per second
      frame_gaps_per_s: round(t.gaps / t.wall_s, 2),
      long_tasks_per_s: round(t.longN / t.wall_s, 2),
      long_task_ms_per_s: round(t.longMs / t.wall_s, 1),
      // wall ms per second the page spent drawing each panel (when the page counts it)
      panel_draw_ms_per_s: t.drawMs === null ? null : Object.fromEntries(Object.entries(t.drawMs).map(([k, v]) => [k, round(v / t.wall_s, 1)])),
      sim_speed_x_realtime: round((pageSteps * node.dt) / 1000, 3),
      steps_per_s: round(pageSteps, 0),
      node_steps_per_s: round(nodeSteps, 0),
      worker_speed_vs_node: round(ratio, 3),
      rounds: { chromium_steps_per_s: pageRates.map((x) => round(x, 0)), node_steps_per_s: nodeRates.map((x) => round(x, 0)) },
      worker_busy_fraction: round(t.busy_s / t.wall_s, 3),
      worker_steps_per_busy_s: round(t.busy_s > 0 ? t.steps / t.busy_s : 0, 0),
      spikes_drawn_per_s: round(t.spikes / t.wall_s, 0),
      dt_ms: node.dt,
      // CPU cores used over the browser parts, by Chromium thread role, and Node's main thread over its parts
      cpu_cores: cpu,
      node_cpu_cores: Number.isFinite(nodeCpu) ? round(nodeCpu, 3) : null,
      worker_speed_vs_node_per_cpu_s: perCpu === null ? null : round(perCpu, 3),
      panels_visible: p.panels.visible,
      panels_whole: p.panels.whole,
      panels_total: p.panels.total,
      viewport: p.viewport,
      load_s: round(p.load_s, 1),
      wall_s: round(t.wall_s, 2),
      page_errors: p.errors,
      met,
    };
  } finally {
    await p.page.context().close();
  }
}

export const viewerBenchmark: Benchmark = {
  name: 'viewer',
  description: 'the live viewer in headless Chromium (SwiftShader WebGL): fps, simulation speed and worker speed vs Node for Diehl & Cook 400 and CUBA 4000',
  options: [
    { flag: '--scenario <name>', key: 'scenario', description: 'dc, cuba or both', type: 'string', default: 'both' },
    { flag: '--seconds <s>', key: 'seconds', description: 'measured wall time per scenario, in Chromium and again in Node [s]', type: 'number', min: 1, default: 20 },
    { flag: '--warmup <s>', key: 'warmup', description: 'run before measuring, in Chromium and in Node [wall s]', type: 'number', min: 0, default: 10 },
    { flag: '--page <mode>', key: 'page', description: 'draw (the benchmark) or idle (diagnostic: the page never draws)', type: 'string', default: 'draw' },
    { flag: '--hide <selector>', key: 'hide', description: "diagnostic: hide these elements (CSS selector, e.g. 'section.panel:not(.panel-wide)')", type: 'string', default: '' },
    { flag: '--viewport <WxH>', key: 'viewport', description: "page size in CSS pixels, kept as given; 'auto': 1600x2400, taller (up to 4800) when a panel does not fit", type: 'string', default: 'auto' },
    { flag: '--init-script <file>', key: 'initScript', description: 'diagnostic: JavaScript run in the page before its own (try a setting without a rebuild)', type: 'string', default: '' },
  ],
  async run(opts, log) {
    const which = opts['scenario'] as string;
    if (which !== 'dc' && which !== 'cuba' && which !== 'both') throw new Error(`--scenario ${which}: use dc, cuba or both.`);
    const page = opts['page'] as string;
    if (page !== 'draw' && page !== 'idle') throw new Error(`--page ${page}: use draw or idle.`);
    const auto = opts['viewport'] === 'auto';
    const size = /^(\d+)x(\d+)$/.exec(auto ? '1600x2400' : (opts['viewport'] as string));
    if (size === null || Number(size[1]) < 200 || Number(size[2]) < 200) throw new Error(`--viewport ${String(opts['viewport'])}: give WIDTHxHEIGHT in CSS pixels, each ≥ 200 (e.g. 1600x2400), or auto.`);
    const scriptFile = opts['initScript'] as string;
    let initScript = '';
    if (scriptFile !== '') {
      try {
        initScript = readFileSync(scriptFile, 'utf8');
      } catch (e) {
        throw new Error(`--init-script ${scriptFile}: cannot read it (${(e as Error).message}).`);
      }
    }
    const o: Options = { seconds: opts['seconds'] as number, warmup: opts['warmup'] as number, idle: page === 'idle', hide: opts['hide'] as string, viewport: { width: Number(size[1]), height: Number(size[2]) }, growViewport: auto, initScript };
    const scenarios: Scenario[] = which === 'both' ? ['dc', 'cuba'] : [which];
    const server = await serveViewer();
    let browser: Browser | null = null;
    try {
      browser = await launchChromium();
      const chromium = browser.version();
      log(`bench viewer: Chromium ${chromium}, serving ${server.url}; ${o.seconds} s measured after ${o.warmup} s warm-up per scenario`);
      const entries: Record<string, unknown>[] = [];
      for (const s of scenarios) entries.push(await runScenario(browser, server.url, s, o, log));
      const top = entries[0];
      const all = (k: string) => entries.every((e) => (e['met'] as Record<string, boolean>)[k]);
      return {
        bench: 'viewer',
        scenario: top['scenario'],
        renderer: top['renderer'],
        fps: top['fps'],
        sim_speed_x_realtime: top['sim_speed_x_realtime'],
        worker_speed_vs_node: top['worker_speed_vs_node'],
        spikes_drawn_per_s: top['spikes_drawn_per_s'],
        panels_visible: top['panels_visible'],
        panels_total: top['panels_total'],
        chromium,
        page,
        ...(o.hide !== '' ? { hide: o.hide } : {}),
        ...(scriptFile !== '' ? { init_script: scriptFile } : {}),
        seconds: o.seconds,
        warmup: o.warmup,
        targets: TARGETS,
        // over every scenario run
        met: { fps: all('fps'), worker_speed_vs_node: all('worker_speed_vs_node'), renderer_webgl: all('renderer_webgl'), panels_all_visible: all('panels_all_visible'), no_page_errors: all('no_page_errors') },
        scenarios: entries,
      };
    } finally {
      await browser?.close();
      await server.close();
    }
  },
};
