/**
 * `memspike train --live` and `memspike view`, end to end: real processes of the built CLI, real
 * sockets on 127.0.0.1, a real `ws` client. A viewer gets a hello and contiguous frames; watching
 * (and leaving mid-run) changes neither the result nor the model file; a viewer that stops reading
 * misses frames — counted in droppedFrames — while the run finishes; a bad request is answered
 * with a LiveError; `view` serves the built viewer, the MNIST files by name only and the model,
 * and refuses a corrupt model or a taken port before listening.
 *
 * Test (c) lowers two limits by environment variables read only for tests (cli/live-server.ts):
 * MEMSPIKE_LIVE_MAX_BUFFERED (bytes a viewer may have unsent) and MEMSPIKE_LIVE_STATE_MS (time
 * between frames with weights and device state), so that a stalled viewer falls behind in a
 * fraction of a second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeLive, type LiveError, type LiveFrame, type LiveHello, type LiveMessage } from '../../networks/live/frame.js';
import { MAIN, ROOT, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'memspike-live-'));
/** A small run: 20 neurons, long enough (a couple of seconds) for a viewer to connect and watch. */
const RUN = ['train', '--neurons', '20', '--seed', '5', '--label-pass', '10', '--quiet'];

interface Running {
  readonly child: ChildProcess;
  /** the port of the live stream, once the process prints it */
  readonly port: Promise<number>;
  readonly exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** resolves when stderr matches */
  waitFor(re: RegExp): Promise<void>;
  /** the first line on stdout */
  readonly firstLine: Promise<string>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, MEMSPIKE_DEBUG: '', ...env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  let gotLine: (line: string) => void = () => {};
  const firstLine = new Promise<string>((resolve) => (gotLine = resolve));
  child.stdout!.on('data', (b: Buffer) => {
    stdout += b.toString();
    if (stdout.includes('\n')) gotLine(stdout.slice(0, stdout.indexOf('\n')));
  });
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
    for (const w of waiters.splice(0)) if (w.re.test(stderr)) w.resolve();
    else waiters.push(w);
  });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => setImmediate(() => resolve({ code, stdout, stderr }))));
  const waitFor = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      if (re.test(stderr)) return resolve();
      waiters.push({ re, resolve });
      void exit.then(() => reject(new Error(`the process ended before its stderr matched ${re}:\n${stderr}`)));
    });
  const live = /live: ws:\/\/127\.0\.0\.1:(\d+) /;
  return {
    child,
    get port() {
      return waitFor(live).then(() => Number(live.exec(stderr)![1]));
    },
    exit,
    waitFor,
    firstLine,
  };
}

interface Viewer {
  readonly ws: WebSocket;
  readonly messages: LiveMessage[];
  readonly frames: () => LiveFrame[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** resolves once the messages so far pass `test` (rejects if the stream closes first) */
  until(test: (messages: LiveMessage[]) => boolean): Promise<void>;
}

function connect(port: number): Viewer {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  const messages: LiveMessage[] = [];
  const waiters: { test: (m: LiveMessage[]) => boolean; resolve: () => void }[] = [];
  ws.on('message', (data: Buffer) => {
    messages.push(decodeLive(new Uint8Array(data)));
    for (const w of waiters.splice(0)) if (w.test(messages)) w.resolve();
    else waiters.push(w);
  });
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return {
    ws,
    messages,
    frames: () => messages.filter((m): m is LiveFrame => m.kind === 'frame'),
    closed,
    until: (test) =>
      new Promise<void>((resolve, reject) => {
        if (test(messages)) return resolve();
        waiters.push({ test, resolve });
        void closed.then(() => (test(messages) ? resolve() : reject(new Error(`the stream closed after ${messages.length} messages without the expected one`))));
      }),
  };
}

const framesAtLeast = (n: number) => (m: LiveMessage[]) => m.filter((x) => x.kind === 'frame').length >= n;

/** The result without its wall-time fields. */
function timeless(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(timeless);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => !['seconds', 'samplesPerSec', 'etaSeconds', 'out'].includes(k))
      .map(([k, x]) => [k, timeless(x)]),
  );
}

describe('memspike train --live', () => {
  it('streams a hello (3 populations) and then contiguous frames with spikes, weights once a second, and a last frame before closing with 1000', async () => {
    const run = start([...RUN, '--samples', '600', '--live', '0', '--json']);
    const viewer = connect(await run.port);
    const { code: closeCode, reason } = await viewer.closed;
    const { code, stdout } = await run.exit;
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1); // stdout keeps only the JSON result
    expect(JSON.parse(stdout)).toMatchObject({ command: 'train', model: { trainedSamples: 600 } });
    expect([closeCode, reason]).toEqual([1000, 'run finished']);
    const hello = viewer.messages[0] as LiveHello;
    expect(hello.kind).toBe('hello');
    expect(hello.populations).toEqual([
      { label: 'input', n: 784, role: 'input' },
      { label: 'exc', n: 20, role: 'exc' },
      { label: 'inh', n: 20, role: 'inh' },
    ]);
    expect(hello).toMatchObject({ scenario: 'diehl-cook', image: { rows: 28, cols: 28 }, probe: { population: 1, n: 20 }, phases: ['train', 'label'] });
    const frames = viewer.frames();
    expect(frames.length).toBeGreaterThan(5);
    for (let k = 1; k < frames.length; k++) {
      expect(frames[k].stepFrom).toBe(frames[k - 1].stepTo);
      expect(frames[k].seq).toBe(frames[k - 1].seq + 1);
    }
    expect(frames.every((f) => f.droppedFrames === 0)).toBe(true);
    const spikes = (f: LiveFrame, p: number) => f.spikes[p].steps.length;
    expect(frames.filter((f) => spikes(f, 0) > 0 && spikes(f, 1) > 0).length).toBeGreaterThan(frames.length / 2);
    const outside = frames.flatMap((f) => f.spikes.flatMap((s) => Array.from(s.steps).filter((step) => step < f.stepFrom || step >= f.stepTo)));
    expect(outside).toEqual([]); // every spike lies in its frame's steps
    const withState = frames.filter((f) => f.weights !== null);
    expect(withState.length).toBeGreaterThanOrEqual(2); // the first and the last at least
    expect(withState[0].weights!.length).toBe(784 * 20);
    expect(withState[0].devices!.gMinus!.length).toBe(784 * 20);
    expect(withState.length).toBeLessThan(frames.length / 2);
    const last = frames[frames.length - 1];
    expect(last.progress).toMatchObject({ finished: true });
    expect(last.weights).not.toBeNull();
  });

  it('a viewer leaving mid-run changes nothing: the result and the model file equal those of the same run without --live', async () => {
    const a = join(dir, 'live.mspk');
    const b = join(dir, 'plain.mspk');
    const args = [...RUN, '--samples', '500'];
    const run = start([...args, '--live', '0', '--out', a, '--json']);
    const plain = start([...args, '--out', b, '--json']);
    const viewer = connect(await run.port);
    await viewer.until(framesAtLeast(3));
    viewer.ws.terminate();
    const [live, still] = await Promise.all([run.exit, plain.exit]);
    expect([live.code, still.code]).toEqual([0, 0]);
    expect(timeless(JSON.parse(live.stdout))).toEqual(timeless(JSON.parse(still.stdout)));
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('a viewer that stops reading misses frames and is told how many (droppedFrames); one that never reads does not hold the run up', async () => {
    const run = start([...RUN, '--samples', '1200', '--live', '0', '--json'], { MEMSPIKE_LIVE_MAX_BUFFERED: '65536', MEMSPIKE_LIVE_STATE_MS: '0' });
    const port = await run.port;
    const stalled = connect(port);
    const slow = connect(port);
    await Promise.all([stalled.until(framesAtLeast(1)), slow.until(framesAtLeast(1))]);
    stalled.ws.pause();
    slow.ws.pause();
    // both fall behind (the kernel's socket buffers fill, then the server's bound is reached)
    await run.waitFor(/viewer \d+ is not keeping up[^]*viewer \d+ is not keeping up/);
    slow.ws.resume();
    await slow.until((m) => m.some((x) => x.kind === 'frame' && x.droppedFrames > 0));
    const { code, stdout } = await run.exit;
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ model: { trainedSamples: 1200 } });
    // the frame that says it follows dropped ones starts later than the one before it ended
    const frames = slow.frames();
    const k = frames.findIndex((f) => f.droppedFrames > 0);
    expect(frames[k].stepFrom).toBeGreaterThan(frames[k - 1].stepTo);
    expect(frames[k].seq).toBe(frames[k - 1].seq + frames[k].droppedFrames + 1);
    await slow.closed;
    stalled.ws.terminate();
  });

  it('a bad request gets a non-fatal LiveError back and the run goes on; {"select": n} moves the probe', async () => {
    const run = start([...RUN, '--samples', '600', '--live', '0', '--json']);
    const viewer = connect(await run.port);
    await viewer.until(framesAtLeast(1));
    viewer.ws.send(JSON.stringify({ select: 999999 }));
    viewer.ws.send('not json');
    const errors = () => viewer.messages.filter((m): m is LiveError => m.kind === 'error');
    await viewer.until(() => errors().length >= 2);
    expect(errors()[0]).toEqual({ kind: 'error', fatal: false, message: expect.stringMatching(/neuron 999999 is not one of the probed population's 0…19/) });
    expect(errors()[1].message).toMatch(/is not JSON; send \{"select": n\}/);
    viewer.ws.send(JSON.stringify({ select: 7 }));
    await viewer.until((m) => m.some((x) => x.kind === 'frame' && x.probe !== null && x.probe.neuron === 7 && x.probe.v.length > 0));
    const { code } = await run.exit;
    expect(code).toBe(0);
    expect((await viewer.closed).code).toBe(1000);
  });

  it('refuses a bad --live value and a port in use, naming --live', async () => {
    const bad = runCli(['train', '--live', '70000', '--samples', '5']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^memspike: --live 70000: expected a port, a whole number in \[0, 65535\] \(0: any free port\)/);
    const taken = await occupy();
    try {
      const r = runCli(['train', '--neurons', '5', '--samples', '2', '--live', String(port(taken))]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^memspike: --live ${port(taken)}: port ${port(taken)} on 127\\.0\\.0\\.1 is in use .*give another port \\(--live \\d+\\) or --live 0`));
    } finally {
      taken.close();
    }
  });
});

/** A port taken by a plain TCP server. */
function occupy(): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}
const port = (s: Server) => (s.address() as { port: number }).port;

/** GET with the path sent exactly as given (no URL normalisation). */
function fetchRaw(p: number, path: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: p, path }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('memspike view', () => {
  const model = join(dir, 'view.mspk');

  it('serves the built viewer, the four MNIST files by name only and the model byte for byte; stops on SIGTERM with code 0', async () => {
    const index = join(ROOT, 'dist', 'viewer', 'index.html');
    expect(existsSync(index), `${index} is missing: run \`npm run build:viewer\``).toBe(true);
    expect(runCli(['train', '--neurons', '6', '--samples', '4', '--label-pass', '4', '--out', model, '--json']).code).toBe(0);
    const view = start(['view', model, '--port', '0', '--json']);
    const out = JSON.parse(await view.firstLine) as Record<string, unknown>;
    const p = out.port as number;
    expect(out).toEqual({ url: `http://127.0.0.1:${p}/?model=model.mspk`, port: p, model });
    const page = await fetchRaw(p, '/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body.equals(readFileSync(index))).toBe(true);
    const labels = await fetchRaw(p, '/mnist/t10k-labels-idx1-ubyte');
    expect([labels.status, labels.type, labels.body.length]).toEqual([200, 'application/octet-stream', 10008]);
    for (const path of ['/mnist/../package.json', '/mnist/..%2F..%2Fpackage.json', '/..%2f..%2fpackage.json', '/mnist/package.json', '/../../package.json', '/nothing.js']) {
      expect([path, (await fetchRaw(p, path)).status]).toEqual([path, 404]);
    }
    const served = await fetchRaw(p, '/model.mspk');
    expect(served.status).toBe(200);
    expect(served.body.equals(readFileSync(model))).toBe(true);
    view.child.kill('SIGTERM');
    expect((await view.exit).code).toBe(0);
  });

  it('refuses a corrupt model file and a port in use before listening, naming the file or --port', async () => {
    const good = readFileSync(model);
    const corrupt = Buffer.from(good);
    corrupt[corrupt.length >> 1] ^= 0xff;
    const bad = join(dir, 'corrupt.mspk');
    writeFileSync(bad, corrupt);
    const r = runCli(['view', bad, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(''); // no URL: it never listened
    expect(r.stderr).toMatch(new RegExp(`^memspike: ${bad.replace(/[.\\/]/g, '\\$&')}: model file is corrupt`));
    expect(runCli(['view', join(dir, 'missing.mspk')]).stderr).toMatch(/missing\.mspk: no such model file; give a file written by `memspike train --out/);
    expect(runCli(['view', '--port', '65536']).stderr).toMatch(/--port 65536: expected a port, a whole number in \[0, 65535\] \(0: any free port\)/);
    const taken = await occupy();
    try {
      const t = runCli(['view', '--port', String(port(taken))]);
      expect(t.code).toBe(1);
      expect(t.stdout).toBe('');
      expect(t.stderr).toMatch(new RegExp(`^memspike: --port ${port(taken)}: port ${port(taken)} on 127\\.0\\.0\\.1 is in use .*give another port \\(--port \\d+\\) or --port 0 for any free port`));
    } finally {
      taken.close();
    }
  });
});
