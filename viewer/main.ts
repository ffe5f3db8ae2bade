/**
 * The viewer page: controls, status, panels, and the loop that draws them. The simulation runs in
 * a module Worker (worker/engine.ts) or, in attach mode (?attach=ws://127.0.0.1:PORT), in a
 * `memspike train --live` process; both send the same encoded live messages. The page only
 * decodes, keeps a bounded window of recent spikes, and draws at most ~31 times a second; it never
 * makes the simulation wait.
 *
 * URL parameters: ?scenario=diehl-cook|cuba, ?model=<url of a .mspk>, ?attach=ws://…, ?play=1,
 * ?speed=<× real time or max>, ?neurons=, ?seed=, ?device=, ?span=<ms>.
 */
import { decodeLive, type LiveAnalysis, type LiveFrame, type LiveHello, type LiveMessage } from '../networks/live/frame.js';
import { DEVICE_PRESETS } from '../core/devices/presets.js';
import type { EngineCommand, StartOptions } from './worker/protocol.js';
import type { Panel, PanelHost, ViewWindow } from './panels/panel.js';
import { RasterPanel } from './panels/raster.js';
import { ReceptivePanel } from './panels/receptive.js';
import { InputPanel } from './panels/input.js';
import { ProbePanel } from './panels/probe.js';
import { ActivityPanel } from './panels/activity.js';
import { DevicesPanel } from './panels/devices.js';
import { CrossbarPanel } from './panels/crossbar.js';
import { AccuracyPanel } from './panels/accuracy.js';
import { tableToCsv, download, canvasToPng } from './panels/export.js';
import { KEPT_MS } from './panels/base.js';

const params = new URLSearchParams(location.search);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const banner = $('banner');

/** Shows a message in the page (errors in red); the page stays usable. */
function say(message: string, kind: 'error' | 'info' = 'error'): void {
  banner.hidden = false;
  banner.className = `banner${kind === 'info' ? ' info' : ''}`;
  banner.textContent = message;
  if (kind === 'error') status.error.textContent = message;
}
function unsay(): void {
  banner.hidden = true;
  status.error.textContent = '';
}

// ——— status readouts (data-testid: what a person reads, tests read too) ———
const statusBox = $('status');
function readout(id: string, label: string): HTMLElement {
  const span = document.createElement('span');
  span.innerHTML = `${label} <b data-testid="status-${id}">–</b>`;
  statusBox.append(span);
  return span.querySelector('b')!;
}
const status = {
  time: readout('time', 'simulated'),
  speed: readout('speed', 'speed'),
  behind: readout('behind', ''),
  spikes: readout('spikes', 'spikes'),
  fps: readout('fps', 'fps'),
  phase: readout('phase', 'phase'),
  accuracy: readout('accuracy', 'accuracy'),
  dropped: readout('dropped', 'frames dropped'),
  connection: readout('connection', 'source'),
  error: readout('error', ''),
};

// ——— panels ———
const host: PanelHost = {
  selectNeuron: (neuron) => send({ type: 'select', neuron }),
  requestAnalysis: (request) => send({ type: 'analyse', request }),
};
// the raster's GPU cost under software WebGL grows with its area: 960 × 320 keeps a frame well inside 32 ms
const raster = new RasterPanel(host, { width: Math.min(960, Math.max(600, window.innerWidth - 40)), height: 320 });
const panels: Panel[] = [raster, new ReceptivePanel(host), new InputPanel(host), new ProbePanel(host), new ActivityPanel(host), new DevicesPanel(host), new CrossbarPanel(host), new AccuracyPanel(host)];
const panelBox = $('panels');
for (const p of panels) {
  const h2 = p.element.querySelector('h2');
  const bar = document.createElement('span');
  bar.className = 'export';
  const png = document.createElement('button');
  png.textContent = 'PNG';
  png.title = `save ${p.title} as a PNG image`;
  png.dataset['testid'] = `export-png-${p.id}`;
  png.onclick = async () => download(`memspike-${p.id}.png`, await canvasToPng(await p.canvas()));
  const csv = document.createElement('button');
  csv.textContent = 'CSV';
  csv.title = `save what ${p.title} shows as CSV`;
  csv.dataset['testid'] = `export-csv-${p.id}`;
  csv.onclick = () => download(`memspike-${p.id}.csv`, new Blob([tableToCsv(p.table())], { type: 'text/csv' }));
  bar.append(png, csv);
  h2?.append(bar);
  panelBox.append(p.element);
}

// ——— the source: a Worker, or a live CLI run over a WebSocket ———
const attach = params.get('attach');
let worker: Worker | null = null;
let socket: WebSocket | null = null;
let hello: LiveHello | null = null;
let newest = 0;
let totalSpikes = 0;
let playing = params.get('play') !== '0';
let droppedFrames = 0;
let lastProgress: LiveFrame['progress'] = null;
let behind = false;
let busyMs = 0;
const frameTimes: number[] = [];

function send(cmd: EngineCommand): void {
  if (worker) worker.postMessage(cmd);
  else if (socket && socket.readyState === WebSocket.OPEN) {
    if (cmd.type === 'select') socket.send(JSON.stringify({ select: cmd.neuron }));
    if (cmd.type === 'analyse') socket.send(JSON.stringify({ analyse: cmd.request }));
  }
}

function onMessage(m: LiveMessage): void {
  switch (m.kind) {
    case 'hello':
      pendingModel = null;
      hello = m;
      newest = 0;
      lastSpeedAt = 0;
      lastSpeedStep = 0;
      totalSpikes = 0;
      lastProgress = null;
      $('title').textContent = m.title;
      for (const p of panels) p.reset(m);
      view.endStep = 0;
      scrub.max = '0';
      controlsFor(m);
      break;
    case 'frame':
      if (!hello) return;
      for (const p of panels) p.frame(m);
      newest = m.stepTo;
      for (const s of m.spikes) totalSpikes += s.steps.length;
      droppedFrames += m.droppedFrames;
      if (m.progress) lastProgress = m.progress;
      behind = m.behind;
      busyMs += m.busyMs;
      break;
    case 'analysis':
      for (const p of panels) p.analysis?.(m as LiveAnalysis);
      break;
    case 'error':
      if (pendingModel !== null) {
        // the model did not load: the controls go back to what is running
        modelBytes = pendingModel.previous;
        scenarioSelect.value = pendingModel.scenario;
        (scenarioSelect.querySelector('option[value=model]') as HTMLOptionElement).disabled = modelBytes === null;
        pendingModel = null;
      }
      say(m.fatal ? `${m.message}\nChange the settings and press reset, or load another model.` : m.message);
      break;
  }
}

function decodeAndHandle(data: ArrayBuffer): void {
  let m: LiveMessage;
  try {
    m = decodeLive(data);
  } catch (e) {
    say(`a message from the simulation could not be read: ${(e as Error).message}`);
    return;
  }
  onMessage(m);
}

function startWorker(): void {
  worker = new Worker(new URL('./worker/engine.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<ArrayBuffer>) => decodeAndHandle(e.data);
  worker.onerror = (e) => {
    say(`the simulation worker failed: ${e.message || 'unknown error'}. Press reset to start again.`);
    e.preventDefault();
  };
  status.connection.textContent = 'in this page (Web Worker)';
}

let reconnectDelay = 250;
function connect(url: string): void {
  status.connection.textContent = `connecting to ${url}…`;
  let ws: WebSocket;
  try {
    ws = new WebSocket(url);
  } catch (e) {
    say(`attach: ${url} is not a WebSocket URL (${(e as Error).message}); give ?attach=ws://127.0.0.1:PORT as printed by \`memspike train --live\`.`);
    return;
  }
  socket = ws;
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    reconnectDelay = 250;
    status.connection.textContent = `attached to ${url}`;
    unsay();
  };
  ws.onmessage = (e: MessageEvent) => {
    if (e.data instanceof ArrayBuffer) decodeAndHandle(e.data);
  };
  ws.onclose = (e) => {
    socket = null;
    // 1000: the run ended (its reason says how); 1011: the stream broke for good (the error was shown)
    const done = e.code === 1000 || e.code === 1011;
    status.connection.textContent = done ? `${url}: ${e.reason || (e.code === 1000 ? 'the run finished' : 'the stream stopped')}` : `lost ${url}; reconnecting in ${(reconnectDelay / 1000).toFixed(1)} s`;
    if (!done) {
      say(`the live run at ${url} is not reachable (${e.code}); retrying — is \`memspike train --live\` still running?`, 'info');
      setTimeout(() => connect(url), reconnectDelay);
      reconnectDelay = Math.min(5000, reconnectDelay * 2);
    }
  };
}

// ——— controls ———
const controls = $('controls');
function control<T extends HTMLElement>(html: string): T {
  const wrap = document.createElement('span');
  wrap.innerHTML = html;
  controls.append(wrap);
  return wrap.firstElementChild as T;
}
const playButton = control<HTMLButtonElement>(`<button data-testid="play" title="play / pause (space)">▶ play</button>`);
const stepButton = control<HTMLButtonElement>(`<button data-testid="step" title="run 100 steps">step</button>`);
const speedSelect = control<HTMLSelectElement>(`<label>speed <select data-testid="speed">${[0.01, 0.1, 0.25, 0.5, 1, 2, 5, 10, 50].map((s) => `<option value="${s}">${s}×</option>`).join('')}<option value="max">max</option></select></label>`).querySelector('select')!;
const scenarioSelect = control<HTMLSelectElement>(`<label>scenario <select data-testid="scenario"><option value="diehl-cook">Diehl &amp; Cook learning MNIST</option><option value="cuba">CUBA 4 000 neurons</option><option value="model" disabled>saved model</option></select></label>`).querySelector('select')!;
const seedInput = control<HTMLInputElement>(`<label>seed <input data-testid="seed" type="number" min="0" step="1" value="${params.get('seed') ?? 1}"></label>`).querySelector('input')!;
const neuronsInput = control<HTMLInputElement>(`<label>neurons <input data-testid="neurons" type="number" min="1" step="1" value="${params.get('neurons') ?? 400}"></label>`).querySelector('input')!;
const deviceSelect = control<HTMLSelectElement>(`<label>device <select data-testid="device">${['float', ...Object.keys(DEVICE_PRESETS)].map((d) => `<option value="${d}">${d}</option>`).join('')}</select></label>`).querySelector('select')!;
const cellSelect = control<HTMLSelectElement>(`<label>cell <select data-testid="cell"><option value="pair">pair</option><option value="single">single</option></select></label>`).querySelector('select')!;
const roundingSelect = control<HTMLSelectElement>(`<label>rounding <select data-testid="rounding"><option value="">default</option><option>stochastic</option><option>deterministic</option><option>accumulate</option><option>feedback</option></select></label>`).querySelector('select')!;
const evaluateSelect = control<HTMLSelectElement>(`<label>classify <select data-testid="evaluate" title="how a saved model classifies the test images"><option value="temporal">temporal, then crossbar</option><option value="crossbar">on the crossbar</option></select></label>`).querySelector('select')!;
const stateSelect = control<HTMLSelectElement>(`<label>weights &amp; devices every <select data-testid="state-every" title="how often the worker sends the weights and the device state (about 2.5 MB each time)">${[0.5, 1, 2, 5].map((s) => `<option value="${s * 1000}"${s === 1 ? ' selected' : ''}>${s} s</option>`).join('')}</select></label>`).querySelector('select')!;
stateSelect.onchange = () => send({ type: 'stateEvery', ms: Number(stateSelect.value) });
const learningBox = control<HTMLInputElement>(`<label><input data-testid="learning" type="checkbox" checked> learning</label>`).querySelector('input')!;
const resetButton = control<HTMLButtonElement>(`<button data-testid="reset" title="rebuild with these settings">reset</button>`);
const fileInput = control<HTMLInputElement>(`<label>model <input data-testid="model-file" type="file" accept=".mspk"></label>`).querySelector('input')!;
const scrubWrap = control<HTMLElement>(`<span class="scrub">look back <input data-testid="scrubber" type="range" min="0" max="0" value="0" step="1"> <button data-testid="live">live</button> span <select data-testid="span"><option value="250">250 ms</option><option value="1000">1 s</option><option value="5000">5 s</option></select></span>`);
const scrub = scrubWrap.querySelector('input')!;
const liveButton = scrubWrap.querySelector('button')!;
const spanSelect = scrubWrap.querySelector('select')!;
/** a message for the first start (a URL parameter that could not be used) */
let startupNote: string | null = null;
const wantedDevice = params.get('device') ?? 'hfs2';
deviceSelect.value = wantedDevice;
if (deviceSelect.value !== wantedDevice) {
  deviceSelect.value = 'hfs2';
  startupNote = `device '${wantedDevice}' is not a preset this build knows; choose one of ${['float', ...Object.keys(DEVICE_PRESETS)].join(', ')}. Showing hfs2.`;
}
speedSelect.value = params.get('speed') ?? '1';
spanSelect.value = params.get('span') ?? '1000';
if (params.get('scenario') === 'cuba') scenarioSelect.value = 'cuba';

function controlsFor(h: LiveHello): void {
  const local = worker !== null;
  for (const el of [stepButton, speedSelect, scenarioSelect, seedInput, neuronsInput, deviceSelect, cellSelect, roundingSelect, learningBox, evaluateSelect, stateSelect, resetButton, fileInput, playButton]) el.disabled = !local;
  const dc = h.scenario !== 'cuba';
  for (const el of [deviceSelect, cellSelect, roundingSelect, learningBox]) if (local) el.disabled = !dc || h.scenario === 'model';
  if (local) evaluateSelect.disabled = modelBytes === null;
  if (h.scenario === 'model') {
    const opt = scenarioSelect.querySelector('option[value=model]') as HTMLOptionElement;
    opt.disabled = false;
    scenarioSelect.value = 'model';
  }
}

function setPlaying(on: boolean): void {
  playing = on;
  playButton.textContent = on ? '❚❚ pause' : '▶ play';
  send({ type: on ? 'play' : 'pause' });
}
playButton.onclick = () => setPlaying(!playing);
stepButton.onclick = () => {
  setPlaying(false);
  send({ type: 'step', steps: 100 });
};
speedSelect.onchange = () => send({ type: 'speed', speed: speedSelect.value === 'max' ? null : Number(speedSelect.value) });
learningBox.onchange = () => send({ type: 'learning', on: learningBox.checked });
document.addEventListener('keydown', (e) => {
  if (e.code === 'Space' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLButtonElement)) {
    e.preventDefault();
    if (worker) setPlaying(!playing);
  }
});

type ModelBytes = { readonly bytes: ArrayBuffer; readonly name: string };
let modelBytes: ModelBytes | null = null;
/** a model being loaded, and what to go back to if it fails */
let pendingModel: { previous: ModelBytes | null; scenario: string } | null = null;
function options(): StartOptions | null {
  const scenario = scenarioSelect.value as StartOptions['scenario'];
  const seed = Number(seedInput.value);
  const neurons = Number(neuronsInput.value);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    say(`seed = ${seedInput.value} must be a whole number ≥ 0.`);
    return null;
  }
  const most = scenario === 'cuba' ? 20000 : 2000;
  if (!Number.isSafeInteger(neurons) || neurons < 1 || neurons > most) {
    say(`neurons = ${neuronsInput.value} must be a whole number in 1…${most} for this scenario.`);
    return null;
  }
  if (scenario === 'model' && !modelBytes) {
    say('no model loaded: choose a .mspk file (written by `memspike train --out`) or drop one on the page.');
    return null;
  }
  return {
    scenario,
    seed,
    neurons: scenario === 'cuba' && neuronsInput.value === '400' ? 4000 : neurons,
    device: deviceSelect.value,
    cell: cellSelect.value as 'pair' | 'single',
    ...(roundingSelect.value ? { rounding: roundingSelect.value as StartOptions['rounding'] } : {}),
    learning: learningBox.checked,
    play: playing,
    ...(scenario === 'model' && modelBytes ? { model: modelBytes.bytes.slice(0), modelName: modelBytes.name, evaluate: evaluateSelect.value as 'temporal' | 'crossbar' } : {}),
  };
}
function restart(): void {
  const o = options();
  if (!o || !worker) return;
  unsay();
  if (startupNote !== null) {
    say(startupNote, 'info');
    startupNote = null;
  }
  send({ type: 'speed', speed: speedSelect.value === 'max' ? null : Number(speedSelect.value) });
  send({ type: 'start', options: o, dataBase: new URL(params.get('data') ?? 'mnist/', location.href).href });
}
resetButton.onclick = restart;
evaluateSelect.onchange = () => {
  if (scenarioSelect.value === 'model') restart();
};
scenarioSelect.onchange = () => {
  if (scenarioSelect.value === 'cuba' && neuronsInput.value === '400') neuronsInput.value = '4000';
  if (scenarioSelect.value === 'diehl-cook' && neuronsInput.value === '4000') neuronsInput.value = '400';
  restart();
};

const MODEL_MAGIC = [0x4d, 0x53, 0x50, 0x4b]; // 'MSPK'
async function loadModelBytes(bytes: ArrayBuffer, name: string): Promise<void> {
  const head = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (head.length < 4 || MODEL_MAGIC.some((b, i) => head[i] !== b)) {
    say(`${name} is not a memspike model file (it does not start with MSPK); choose a .mspk file written by \`memspike train --out\`.`);
    return;
  }
  pendingModel = { previous: modelBytes, scenario: scenarioSelect.value };
  modelBytes = { bytes, name };
  const opt = scenarioSelect.querySelector('option[value=model]') as HTMLOptionElement;
  opt.disabled = false;
  scenarioSelect.value = 'model';
  restart();
}
fileInput.onchange = async () => {
  const f = fileInput.files?.[0];
  if (f) await loadModelBytes(await f.arrayBuffer(), f.name);
};
const drop = $('drop');
window.addEventListener('dragover', (e) => {
  e.preventDefault();
  if (worker) drop.hidden = false;
});
window.addEventListener('dragleave', (e) => {
  if (e.target === drop) drop.hidden = true;
});
window.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.hidden = true;
  const f = e.dataTransfer?.files[0];
  if (f && worker) await loadModelBytes(await f.arrayBuffer(), f.name);
});

// ——— the kept window and the scrubber ———
const view: { endStep: number; spanSteps: number; dt: number; live: boolean } = { endStep: 0, spanSteps: 2000, dt: 0.5, live: true };
let following = true;
scrub.oninput = () => {
  following = Number(scrub.value) >= Number(scrub.max);
};
liveButton.onclick = () => {
  following = true;
};

// ——— the draw loop: at most ~31 fps (pixi rounds frame times to whole ms; 30 would land at 29.4) ———
const FRAME_MS = 1000 / 31;
const TEXT_MS = 250;
let lastText = -Infinity;
let lastDraw = 0;
function loop(now: number): void {
  requestAnimationFrame(loop);
  if (now - lastDraw < FRAME_MS - 1) return;
  lastDraw = now;
  frameTimes.push(now);
  while (frameTimes.length > 0 && now - frameTimes[0] > 1000) frameTimes.shift();
  if (!hello) return;
  view.dt = hello.dt;
  view.spanSteps = Math.max(1, Math.round(Number(spanSelect.value) / hello.dt));
  // the kept window: the last KEPT_MS of simulated time (what every panel keeps)
  const oldest = Math.max(0, newest - Math.ceil(KEPT_MS / hello.dt));
  // text and the scrubber change at most TEXT_MS apart: each change repaints, and nobody reads faster
  const textDue = now - lastText >= TEXT_MS;
  if (textDue) {
    lastText = now;
    scrub.min = String(oldest);
    scrub.max = String(newest);
    if (following) scrub.value = String(newest);
  }
  view.endStep = following ? newest : Number(scrub.value);
  view.live = following;
  const v: ViewWindow = { ...view };
  // The raster every frame; the chart panels in turn, within a few ms per frame, so that a frame
  // stays well inside its 32 ms (each chart is still redrawn several times a second).
  drawPanel(raster, v, now);
  const t0 = performance.now();
  for (let k = 0; k < charts.length; k++) {
    const i = (nextChart + k) % charts.length;
    if (k > 0 && performance.now() - t0 > CHART_BUDGET_MS) {
      nextChart = i;
      break;
    }
    // a chart at most every CHART_MS: a person reads it no faster, and the frame stays cheap
    if (now - chartDrawn[i] < CHART_MS) continue;
    chartDrawn[i] = now;
    drawPanel(charts[i], v, now);
  }
  if (textDue) readouts();
}

const charts = panels.filter((p) => p !== raster);
const CHART_BUDGET_MS = 6;
const CHART_MS = 200;
const chartDrawn = charts.map(() => -Infinity);
let nextChart = 0;
/** wall ms spent drawing each panel (for the benchmark) */
const drawMs: Record<string, number> = {};
function drawPanel(p: Panel, v: ViewWindow, _now: number): void {
  const t = performance.now();
  try {
    p.draw(v);
  } catch (e) {
    say(`panel ${p.title}: ${(e as Error).message}`);
  }
  drawMs[p.id] = (drawMs[p.id] ?? 0) + performance.now() - t;
}

let lastSpeedAt = 0;
let lastSpeedStep = 0;
let speedX = 0;
function readouts(): void {
  const dt = hello?.dt ?? 0.5;
  status.time.textContent = `${((newest * dt) / 1000).toFixed(3)} s`;
  status.spikes.textContent = String(totalSpikes);
  status.fps.textContent = String(frameTimes.length);
  const now = performance.now();
  if (now - lastSpeedAt >= 500) {
    speedX = lastSpeedAt > 0 ? ((newest - lastSpeedStep) * dt) / (now - lastSpeedAt) : 0;
    lastSpeedAt = now;
    lastSpeedStep = newest;
  }
  status.speed.textContent = `${speedX >= 10 ? speedX.toFixed(0) : speedX.toFixed(2)}× real time`;
  status.behind.textContent = behind ? 'falling behind' : '';
  status.behind.className = behind ? 'behind' : '';
  status.dropped.textContent = String(droppedFrames);
  if (lastProgress) {
    status.phase.textContent = lastProgress.finished ? 'finished' : `${lastProgress.name} ${lastProgress.done}/${lastProgress.total}`;
    status.accuracy.textContent = lastProgress.accuracy === null ? '–' : `${(lastProgress.accuracy * 100).toFixed(1)} %`;
  } else {
    status.phase.textContent = hello?.scenario === 'cuba' ? 'running' : '–';
  }
}

// ——— start ———
async function main(): Promise<void> {
  const gl2 = document.createElement('canvas').getContext('webgl2');
  if (!gl2) {
    say('This browser has no WebGL2, which the spike raster needs. Use a current Chrome, Firefox or Safari with hardware acceleration (or software WebGL) enabled.');
    return;
  }
  if (typeof WebAssembly !== 'object') {
    // the library falls back to its JavaScript kernels (the same bits, slower): say so, and go on
    startupNote = 'This browser has no WebAssembly: the simulation runs on memspike\'s JavaScript kernels — the same results, but slower. For full speed use a current Chrome, Firefox or Safari with WebAssembly enabled.';
  }
  try {
    await raster.init();
  } catch (e) {
    say(`the raster could not start: ${(e as Error).message}`);
    return;
  }
  document.body.dataset['renderer'] = raster.renderer;
  requestAnimationFrame(loop);
  if (attach) {
    connect(attach);
    return;
  }
  startWorker();
  setPlaying(playing);
  const modelUrl = params.get('model');
  if (modelUrl) {
    try {
      const res = await fetch(modelUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      await loadModelBytes(await res.arrayBuffer(), modelUrl.split('/').pop() ?? modelUrl);
    } catch (e) {
      say(`could not load the model ${modelUrl}: ${(e as Error).message}`);
      restart();
    }
    return;
  }
  restart();
}
main().catch((e: Error) => say(`the viewer failed to start: ${e.message}`));

// for tests and the benchmark: what the page drew (read-only)
(window as unknown as { memspike: unknown }).memspike = {
  get spikesDrawn() {
    return raster.spikesDrawn;
  },
  get renderer() {
    return raster.renderer;
  },
  get busyMs() {
    return busyMs;
  },
  get steps() {
    return newest;
  },
  get drawMs() {
    return { ...drawMs };
  },
};
