/**
 * `memspike train --live`: the run streamed to any number of viewers over a WebSocket on
 * 127.0.0.1 (package `ws`). Each viewer gets the source's hello when it connects, then the frames
 * the driver takes at every yield of the run (networks/experiment/runner.ts, about every 50 ms of
 * wall time), each encoded once (networks/live/frame.ts) and sent to every open viewer; the
 * weights and device state ride along at most once per second.
 *
 * Nothing a viewer does can stop or slow the run: sends never wait, and a viewer whose unsent bytes
 * (`bufferedAmount`) exceed a bound is skipped — the frame is dropped for it alone and counted, and
 * the next frame it does get carries that count in `droppedFrames`. With no viewer, no frame is
 * taken at all. Viewers may connect, leave and come back at any time; a viewer's text messages are
 * requests (`{"select": n}` probes excitatory neuron n; `{"analyse": {"ageMs", "program"}}` asks for
 * the crossbar view, computed in a worker thread, one at a time), and a bad one is answered with a non-fatal LiveError
 * to that viewer only.
 *
 * Test hooks (environment, read once at start): MEMSPIKE_LIVE_MAX_BUFFERED (bytes a viewer may
 * have unsent before frames are dropped for it; default 8 MiB) and MEMSPIKE_LIVE_STATE_MS (wall
 * time between frames with weights and device state; default 1000). test/cli/live.test.ts lowers
 * them to make a stalled viewer fall behind quickly.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Worker } from 'node:worker_threads';
import WebSocket, { WebSocketServer } from 'ws';
import { encodeLive, type LiveFrame } from '../networks/live/frame.js';
import type { LiveSource } from '../networks/live/source.js';
import { listenError, VIEW_DEFAULT_PORT } from './options.js';

/** Unsent bytes a viewer may have before frames are dropped for it. */
export const LIVE_MAX_BUFFERED = 8 * 1024 * 1024;
/** Wall time between two frames that carry weights and device state [ms]. */
export const LIVE_STATE_INTERVAL_MS = 1000;
/** How long viewers get to acknowledge the close before they are cut off [ms]. */
const CLOSE_GRACE_MS = 1000;
/** Largest message a viewer may send (requests are small JSON). */
const MAX_REQUEST_BYTES = 64 * 1024;

/** How the run ended, for the last message and the close code. */
export type LiveOutcome = 'finished' | 'interrupted' | { readonly error: string };

export interface LiveServer {
  /** the port listened on (the real one when 0 was asked for) */
  readonly port: number;
  /** ws://127.0.0.1:PORT */
  readonly url: string;
  /** Takes a frame and sends it to every viewer; runExperiment's `onYield`. Nothing when no viewer is connected. */
  readonly onYield: (busyMs: number) => void;
  /** Sends a last frame (or, for an error, a fatal LiveError), closes every viewer and the server. */
  close(outcome: LiveOutcome): Promise<void>;
}

export interface LiveServerOptions {
  readonly port: number;
  /** the flag that gave the port, for errors ('--live') */
  readonly flag: string;
  readonly maxBuffered?: number;
  readonly stateIntervalMs?: number;
  /** one line for a person (stderr) */
  readonly log?: (line: string) => void;
}

interface Viewer {
  readonly id: number;
  /** frames dropped for this viewer since the last one it was sent */
  dropped: number;
  /** whether the log said it falls behind */
  told: boolean;
}

/** A whole number of bytes or milliseconds from the environment (test hooks), else `fallback`. */
function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name}=${raw}: expected a whole number ≥ 0 (or unset it for the default ${fallback}).`);
  return n;
}

/** Origins a browser viewer may connect from: pages served by this machine (memspike view, a vite dev server). Tools send none. */
function localOrigin(origin: string | undefined): boolean {
  if (origin === undefined || origin === '') return true;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]');
  } catch {
    return false;
  }
}

function requestText(data: WebSocket.RawData): string {
  const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return buf.toString('utf8');
}

/** Listens on 127.0.0.1:`port` and serves `source` to viewers; rejects with an error naming the flag when the port cannot be had. */
export async function startLiveServer(source: LiveSource, o: LiveServerOptions): Promise<LiveServer> {
  const maxBuffered = o.maxBuffered ?? envNumber('MEMSPIKE_LIVE_MAX_BUFFERED', LIVE_MAX_BUFFERED);
  const stateInterval = o.stateIntervalMs ?? envNumber('MEMSPIKE_LIVE_STATE_MS', LIVE_STATE_INTERVAL_MS);
  const log = o.log ?? (() => {});
  const hello = encodeLive(source.hello());
  const viewers = new Map<WebSocket, Viewer>();
  let nextId = 1;
  let lastState = -Infinity;
  let closing = false;
  /** set when taking or sending a frame failed: the stream stops, the run goes on */
  let broken = false;

  const http: Server = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
    res.end(`This is the live stream of a memspike run (a WebSocket). Watch it with \`memspike view\`, then open http://127.0.0.1:${VIEW_DEFAULT_PORT}/?attach=ws://127.0.0.1:${port}\n`);
  });
  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: false,
    maxPayload: MAX_REQUEST_BYTES,
    verifyClient: (info: { origin: string; req: IncomingMessage }) => localOrigin(info.origin),
  });
  let port = o.port;
  let listening = false;
  // the WebSocketServer re-emits its HTTP server's errors: a failed listen is reported by the promise below
  wss.on('error', (e) => {
    if (listening) log(`live: ${e.message}`);
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => reject(listenError(e, o.flag, o.port, 'memspike train --live'));
    http.once('error', fail);
    http.listen(o.port, '127.0.0.1', () => {
      http.off('error', fail);
      port = (http.address() as { port: number }).port;
      listening = true;
      resolve();
    });
  });
  // after listening, a server error (rare: out of file descriptors) must not end the run
  http.on('error', () => {});

  const reply = (ws: WebSocket, message: string): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(encodeLive({ kind: 'error', message, fatal: false }));
  };

  const onRequest = (ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void => {
    if (isBinary) return reply(ws, 'binary messages are not requests; send JSON text such as {"select": 3}.');
    const text = requestText(data);
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      return reply(ws, `request ${JSON.stringify(text.slice(0, 80))} is not JSON; send {"select": n} with n an excitatory neuron.`);
    }
    if (request !== null && typeof request === 'object' && !Array.isArray(request) && 'analyse' in request) return analyse(ws, (request as { analyse: unknown }).analyse);
    if (request === null || typeof request !== 'object' || Array.isArray(request) || !('select' in request)) {
      return reply(ws, `request ${text.slice(0, 80)} is not understood; this stream answers {"select": n} (probe excitatory neuron n) and {"analyse": {"ageMs": t, "program": "write-verify"}} (the crossbar view).`);
    }
    try {
      source.select((request as { select: unknown }).select as number);
    } catch (e) {
      reply(ws, `${(e as Error).message} The probe stays on neuron ${source.selected}.`);
    }
  };

  /**
   * The crossbar view for one viewer: the current weights, copied, are programmed into a simulated
   * array in a worker thread (networks/live/analysis.ts), so the run never waits for it; one at a
   * time, whoever asks.
   */
  let analyser: Worker | null = null;
  let analysing: WebSocket | null = null;
  const analyse = (ws: WebSocket, r: unknown): void => {
    const o = (r ?? {}) as { ageMs?: unknown; program?: unknown };
    const programs = ['open-loop', 'write-verify', 'exact'];
    if (typeof o.ageMs !== 'number' || !(o.ageMs > 0 && o.ageMs <= 100 * 365.25 * 86_400_000)) return reply(ws, `analyse.ageMs = ${JSON.stringify(o.ageMs)} must be an age in ms, > 0 and at most 100 years.`);
    if (typeof o.program !== 'string' || !programs.includes(o.program)) return reply(ws, `analyse.program = ${JSON.stringify(o.program)} must be one of ${programs.join(', ')}.`);
    if (analysing !== null) return reply(ws, 'a crossbar view is being computed; ask again when it has arrived.');
    const input = source.analysisInput({ ageMs: o.ageMs, program: o.program as 'open-loop' | 'write-verify' | 'exact' });
    if (input === null) return reply(ws, 'this run has no plastic input weights to program.');
    if (analyser === null) {
      analyser = new Worker(new URL('./live-analysis-worker.js', import.meta.url));
      analyser.unref();
      analyser.on('message', (m: { bytes?: Uint8Array; error?: string }) => {
        const to = analysing;
        analysing = null;
        if (to === null || to.readyState !== WebSocket.OPEN) return;
        if (m.bytes) to.send(m.bytes);
        else reply(to, `the crossbar view failed: ${m.error ?? 'unknown error'}`);
      });
      analyser.on('error', (e) => {
        const to = analysing;
        analysing = null;
        analyser = null;
        if (to !== null) reply(to, `the crossbar view failed: ${e.message}`);
      });
    }
    analysing = ws;
    analyser.postMessage(input);
  };

  /** A bug in taking or sending frames ends the stream, never the run. */
  const stopStreaming = (e: unknown): void => {
    broken = true;
    const message = `the live stream stopped: ${e instanceof Error ? e.message : String(e)}; the run goes on without viewers.`;
    log(`live: ${message}`);
    const bytes = encodeLive({ kind: 'error', message, fatal: true });
    for (const ws of viewers.keys()) {
      if (ws.readyState === WebSocket.OPEN) ws.send(bytes);
      ws.close(1011, 'stream stopped');
    }
  };

  wss.on('connection', (ws: WebSocket) => {
    ws.on('close', () => viewers.delete(ws));
    ws.on('error', () => ws.terminate());
    const fresh = viewers.size === 0;
    // every socket is in `viewers` until it is closed, so that close() can cut off any that hangs
    viewers.set(ws, { id: nextId++, dropped: 0, told: false });
    if (closing || broken) {
      ws.close(closing ? 1001 : 1011, closing ? 'run over' : 'stream stopped');
      return;
    }
    // what the tap kept while nobody watched is old news: the newcomer's first frame starts now
    try {
      if (fresh) source.frame({ state: false });
      // … but the image on show is not: the newcomer's first frame carries it
      source.restate();
    } catch (e) {
      stopStreaming(e);
      return;
    }
    ws.send(hello);
    ws.on('message', (data, isBinary) => onRequest(ws, data, isBinary));
  });

  /** Sends one frame to every open viewer that keeps up; counts it as dropped for the others. */
  const broadcast = (frame: LiveFrame): void => {
    let shared: Uint8Array | null = null;
    for (const [ws, v] of viewers) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > maxBuffered) {
        v.dropped++;
        if (!v.told) {
          v.told = true;
          log(`live: viewer ${v.id} is not keeping up (${ws.bufferedAmount} bytes unsent); dropping frames for it, counted in droppedFrames`);
        }
        continue;
      }
      // only a viewer that missed frames needs its own copy (the count is in the header)
      const bytes = v.dropped === 0 ? (shared ??= encodeLive(frame)) : encodeLive({ ...frame, droppedFrames: v.dropped });
      v.dropped = 0;
      ws.send(bytes);
    }
  };

  const onYield = (busyMs: number): void => {
    if (viewers.size === 0 || closing || broken) return;
    const now = performance.now();
    const state = now - lastState >= stateInterval;
    if (state) lastState = now;
    try {
      broadcast(source.frame({ state, busyMs }));
    } catch (e) {
      stopStreaming(e);
    }
  };

  const close = async (outcome: LiveOutcome): Promise<void> => {
    if (closing) return;
    closing = true;
    const failed = typeof outcome === 'object';
    if (viewers.size > 0 && !broken) {
      try {
        if (failed) {
          const bytes = encodeLive({ kind: 'error', message: outcome.error, fatal: true });
          for (const ws of viewers.keys()) if (ws.readyState === WebSocket.OPEN && ws.bufferedAmount <= maxBuffered) ws.send(bytes);
        } else broadcast(source.frame({ state: true, busyMs: 0 }));
      } catch (e) {
        log(`live: the last frame could not be sent (${e instanceof Error ? e.message : String(e)}).`);
      }
    }
    const code = failed ? 1011 : 1000;
    const reason = failed ? 'run failed' : outcome === 'finished' ? 'run finished' : 'run interrupted';
    const closed = [...viewers.keys()].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          // a viewer that is not reading would never acknowledge: cut it off now
          if (ws.bufferedAmount > maxBuffered) ws.terminate();
          else ws.close(code, reason);
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
    clearTimeout(timer);
    for (const ws of viewers.keys()) ws.terminate();
    if (analyser !== null) await analyser.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
  };

  return {
    get port() {
      return port;
    },
    get url() {
      return `ws://127.0.0.1:${port}`;
    },
    onYield,
    close,
  };
}

/** The line `--live` prints on stderr: where the stream is and how to watch it. */
export function liveLine(url: string): string {
  return `live: ${url} (watch: memspike view, then open http://127.0.0.1:${VIEW_DEFAULT_PORT}/?attach=${url})`;
}
