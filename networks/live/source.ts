/**
 * Live sources: a running simulation seen by a viewer. A source advances its simulation by a
 * bounded number of steps and hands out, on request, a frame (frame.ts) of everything since the
 * previous frame. It observes through a tap — spike recorders and a one-neuron probe added to the
 * network before it is built as observers (core/schedule.ts): they run in the record phase, draw
 * no random numbers and are left out of snapshots, so a run with a viewer attached is bit for bit
 * the run without one, and its model files are the same.
 *
 *   experimentSource   a Diehl & Cook experiment (learning from scratch, or a saved model
 *                      classifying), also what `memspike train --live` streams
 *   cubaSource         the CUBA benchmark network (Brian2 examples/CUBA.py), 4 000 neurons
 *
 * Copies leave the source only in `frame()` and `analyse()`, between slices; nothing here runs
 * inside a step except the tap's two record-phase updaters.
 */
import type { SpikeBuffer } from '../../core/neurons/spikes.js';
import type { Network, Population, LifPopulation } from '../../core/network.js';
import type { LifState } from '../../core/neurons/lif.js';
import { image } from '../datasets/image-dataset.js';
import { cubaNetwork, CUBA } from '../cuba.js';
import { DIEHL_COOK, type Instrument } from '../diehl-cook/network.js';
import { programmingEnergy, pulsesApplied } from '../diehl-cook/energy.js';
import { deviceOf } from '../diehl-cook/spec.js';
import type { DiehlCookExperiment } from '../diehl-cook/experiment.js';
import { crossbarView, type CrossbarViewInput } from './analysis.js';
import type { LiveAnalysis, LiveDevices, LiveFrame, LiveHello, LivePopulation, LiveProbe, LiveProgress, LiveSample, LiveSpikes } from './frame.js';

/** Spikes a recorder keeps between two frames, per population (more are counted as dropped). */
export const LIVE_SPIKE_CAPACITY = 1 << 20;
/** Probe values kept between two frames (steps). */
export const LIVE_PROBE_CAPACITY = 1 << 18;

/** The options of one frame: whether to include the (large) weights and device state. */
export interface FrameOptions {
  readonly state: boolean;
  readonly busyMs?: number;
  readonly behind?: boolean;
  readonly droppedFrames?: number;
}

/** What the crossbar panel asks for. */
export interface AnalysisRequest {
  /** oldest age of the drift curve [ms] */
  readonly ageMs: number;
  readonly program: 'open-loop' | 'write-verify' | 'exact';
}

export interface LiveSource {
  hello(): LiveHello;
  /** Runs at most `steps` simulation steps; returns the steps used (0 once finished). */
  advance(steps: number): number;
  readonly finished: boolean;
  /** steps executed so far (the viewer's clock; frames count in it) */
  readonly step: number;
  /** Everything since the previous frame. */
  frame(options: FrameOptions): LiveFrame;
  /** Makes the next frame carry the image on show again (a viewer joined and has not seen it). */
  restate(): void;
  /** Probes neuron `neuron` of the probed population from the next step on. */
  select(neuron: number): void;
  readonly selected: number;
  /** The crossbar view and drift curve (null when the source has no plastic projection). */
  analyse(request: AnalysisRequest): LiveAnalysis | null;
  /** What the crossbar view needs, copied (to compute it elsewhere: another thread); null as above. */
  analysisInput(request: AnalysisRequest): CrossbarViewInput | null;
}

/**
 * Spike recorders of chosen populations and a one-neuron probe of v and threshold. Their clock is
 * the tap's own count of executed steps, not the network's step counter: a frozen phase puts the
 * network back to its trained state (and its step counter back) when it ends, while a viewer's
 * time only goes forward. For a network that is never restored the two are equal.
 */
export interface LiveTap {
  readonly populations: readonly Population[];
  /** steps executed since the tap was attached */
  readonly tick: number;
  selected: number;
  /** Takes the spikes recorded since the last call (owned copies, stamped with ticks). */
  takeSpikes(): LiveSpikes[];
  /** Takes the probe values recorded since the last call. */
  takeProbe(population: number): LiveProbe | null;
}

interface TapState {
  tick: number;
  readonly buffers: SpikeBuffer[];
  readonly steps: Int32Array[];
  readonly indices: Int32Array[];
  readonly counts: Int32Array;
  readonly dropped: Float64Array;
  /** the probe: v and threshold per tick from `first`, of neuron `neuron` */
  lif: LifState | null;
  readonly thresholdBase: number;
  readonly v: Float32Array;
  readonly threshold: Float32Array;
  probeCount: number;
  first: number;
  neuron: number;
}

/**
 * Adds the tap to an unbuilt network: spikes of `populations` and a probe of neuron `selected`
 * of `probe` (threshold = `thresholdBase` + θ [mV]), as one observer in the record phase.
 */
export function attachTap(net: Network, populations: readonly Population[], probe: { readonly population: LifPopulation; readonly thresholdBase: number } | null): LiveTap {
  const st: TapState = {
    tick: 0,
    buffers: [],
    steps: populations.map(() => new Int32Array(LIVE_SPIKE_CAPACITY)),
    indices: populations.map(() => new Int32Array(LIVE_SPIKE_CAPACITY)),
    counts: new Int32Array(populations.length),
    dropped: new Float64Array(populations.length),
    lif: null,
    thresholdBase: probe?.thresholdBase ?? 0,
    v: new Float32Array(probe ? LIVE_PROBE_CAPACITY : 0),
    threshold: new Float32Array(probe ? LIVE_PROBE_CAPACITY : 0),
    probeCount: 0,
    first: 0,
    neuron: 0,
  };
  net.addUpdater({
    phase: 'record',
    order: 100,
    name: 'live:tap',
    observer: true,
    build: (ctx) => {
      for (const pop of populations) st.buffers.push(ctx.spikes(pop));
      if (probe) st.lif = ctx.lif(probe.population);
    },
    run: () => recordTap(st),
  });
  return {
    populations,
    get tick() {
      return st.tick;
    },
    get selected() {
      return st.neuron;
    },
    set selected(i: number) {
      st.neuron = i;
      st.probeCount = 0;
    },
    takeSpikes: () =>
      populations.map((_, p) => {
        const n = st.counts[p];
        const out = { steps: st.steps[p].slice(0, n), indices: st.indices[p].slice(0, n), dropped: st.dropped[p] };
        st.counts[p] = 0;
        st.dropped[p] = 0;
        return out;
      }),
    takeProbe(population: number): LiveProbe | null {
      if (probe === null) return null;
      const n = st.probeCount;
      st.probeCount = 0;
      return { population, neuron: st.neuron, stepFrom: n > 0 ? st.first : st.tick, v: st.v.slice(0, n), threshold: st.threshold.slice(0, n) };
    },
  };
}

/** The tap's record-phase kernel: this step's spikes of every population, and one probe value. */
function recordTap(st: TapState): void {
  const tick = st.tick;
  for (let p = 0; p < st.buffers.length; p++) {
    const buf = st.buffers[p];
    const c = buf.count;
    if (c === 0) continue;
    const at = st.counts[p];
    const room = st.steps[p].length - at;
    const k = c < room ? c : room;
    const steps = st.steps[p];
    const idx = st.indices[p];
    const src = buf.idx;
    for (let s = 0; s < k; s++) {
      steps[at + s] = tick;
      idx[at + s] = src[s];
    }
    st.counts[p] = at + k;
    st.dropped[p] += c - k;
  }
  const lif = st.lif;
  if (lif !== null && st.probeCount < st.v.length) {
    const c = st.probeCount;
    if (c === 0) st.first = tick;
    st.v[c] = lif.v[st.neuron];
    st.threshold[c] = st.thresholdBase + lif.theta[st.neuron];
    st.probeCount = c + 1;
  }
  st.tick = tick + 1;
}

/** What a source adds to a frame besides the spikes and the probe. */
type FrameExtras = Pick<LiveFrame, 'sample' | 'progress' | 'weights' | 'devices' | 'prediction'>;

/** Numbers frames and takes the tap's spikes and probe since the previous frame. */
function frameClock(tap: LiveTap) {
  let seq = 0;
  let lastStep = tap.tick;
  return {
    frame(o: FrameOptions, probePopulation: number, extras: FrameExtras): LiveFrame {
      const stepFrom = lastStep;
      lastStep = tap.tick;
      return { kind: 'frame', seq: seq++, stepFrom, stepTo: lastStep, busyMs: o.busyMs ?? 0, droppedFrames: o.droppedFrames ?? 0, behind: o.behind ?? false, spikes: tap.takeSpikes(), probe: tap.takeProbe(probePopulation), ...extras };
    },
  };
}

/** A Diehl & Cook tap to hand to buildModel / loadModel: its `tap` exists once the model is built. */
export function diehlCookTap(): { readonly instrument: Instrument; readonly tap: () => LiveTap } {
  let tap: LiveTap | null = null;
  return {
    instrument: (net, { input, exc, inh }) => {
      // the excitatory threshold as built (a spec may override Diehl & Cook's −72 mV)
      const vThresh = exc.spec.params.vThresh;
      tap = attachTap(net, [input, exc, inh], { population: exc, thresholdBase: typeof vThresh === 'number' ? vThresh : DIEHL_COOK.exc.vThresh });
    },
    tap: () => {
      if (tap === null) throw new Error('diehlCookTap: the model was built without this tap; pass its instrument to buildModel or loadModel.');
      return tap;
    },
  };
}

/** Checks a neuron index for select() (a viewer's click). */
function checkNeuron(i: number, n: number): number {
  if (!Number.isSafeInteger(i) || i < 0 || i >= n) throw new Error(`select: neuron ${String(i)} is not one of the probed population's 0…${n - 1}.`);
  return i;
}

/**
 * A Diehl & Cook experiment as a live source. `scenario` names it for the viewer ('diehl-cook'
 * for learning, 'model' for a saved model).
 */
export function experimentSource(exp: DiehlCookExperiment, tap: LiveTap, scenario: string, title: string): LiveSource {
  const m = exp.trained;
  const model = m.model;
  const net = model.net;
  const spec = exp.spec;
  const nExc = model.options.nExc;
  const clock = frameClock(tap);
  let lastShown: string | null = null;
  let answered = exp.answer.count;
  const device = deviceOf(spec);
  const store = model.inputToExc.store;

  const sample = (): LiveSample | null => {
    const s = exp.shown;
    if (s === null) return null;
    const key = `${s.split}:${s.index}`;
    if (key === lastShown) return null;
    lastShown = key;
    const ds = s.split === 'train' ? exp.data.train : exp.data.test!;
    return { split: s.split, index: s.index, label: ds.labels[s.index], pixels: image(ds, s.index).slice() };
  };
  const progress = (): LiveProgress | null => {
    const p = exp.phase;
    if (p === null) return { phase: 'finished', name: 'finished', index: spec.schedule.length, phases: spec.schedule.length, done: 0, total: 0, accuracy: null, finished: true };
    return { phase: p.spec.phase, name: p.name, index: exp.phaseIndex, phases: spec.schedule.length, done: p.done, total: p.total, accuracy: Number.isNaN(p.accuracy) ? null : p.accuracy, finished: false };
  };
  const devices = (): LiveDevices | null => {
    if (store.kind !== 'memristive') return null;
    const [plus, minus] = store.devices;
    // the more-worn device of each synapse: each device wears out on its own pulses
    const pulseCount = Uint32Array.from(plus.pulseCount);
    if (minus) for (let i = 0; i < pulseCount.length; i++) if (minus.pulseCount[i] > pulseCount[i]) pulseCount[i] = minus.pulseCount[i];
    return { gPlus: plus.g.slice(), gMinus: minus ? minus.g.slice() : null, pulseCount, pulses: pulsesApplied(model), energy_nJ: programmingEnergy(model) };
  };

  return {
    hello(): LiveHello {
      const pops: LivePopulation[] = [
        { label: 'input', n: model.input.n, role: 'input' },
        { label: 'exc', n: nExc, role: 'exc' },
        { label: 'inh', n: model.inh.n, role: 'inh' },
      ];
      return {
        kind: 'hello',
        scenario,
        title,
        dt: net.dt,
        populations: pops,
        image: { rows: exp.data.train.rows, cols: exp.data.train.cols },
        receptive: { inputs: model.input.n, neurons: nExc },
        device: device === null ? null : { preset: typeof spec.device === 'string' ? spec.device : device.name, citation: device.citation, cell: spec.cell === 'single' ? 'single' : 'pair', gMin: device.gMin, gMax: device.gMax, endurance: Number.isFinite(device.endurance) ? device.endurance : null },
        probe: { population: 1, n: nExc },
        spec,
        phases: spec.schedule.map((p) => p.phase),
      };
    },
    advance(steps: number): number {
      if (exp.finished) return 0;
      const before = tap.tick;
      const phase = exp.phaseIndex;
      const done = exp.phase?.done ?? 0;
      exp.advance({ steps });
      const used = tap.tick - before;
      // a crossbar image takes no simulated time: it counts as the slice it was given
      return used > 0 ? used : exp.phaseIndex !== phase || (exp.phase?.done ?? 0) !== done ? steps : 0;
    },
    get finished() {
      return exp.finished;
    },
    get step() {
      return tap.tick;
    },
    get selected() {
      return tap.selected;
    },
    restate() {
      lastShown = null;
    },
    select(i: number) {
      tap.selected = checkNeuron(i, nExc);
    },
    frame(o: FrameOptions): LiveFrame {
      return clock.frame(o, 1, {
        sample: sample(),
        progress: progress(),
        weights: o.state ? store.weights.slice() : null,
        devices: o.state ? devices() : null,
        prediction: takePrediction(),
      });
    },
    analysisInput(r: AnalysisRequest): CrossbarViewInput {
      const s = exp.shown;
      const ds = s === null ? exp.data.train : s.split === 'train' ? exp.data.train : exp.data.test!;
      return {
        spec,
        weights: store.weights.slice(),
        wMax: store.wMax,
        rows: model.input.n,
        cols: nExc,
        pixels: image(ds, s === null ? 0 : s.index).slice(),
        labels: Int8Array.from(m.labels.some((l) => l >= 0) ? m.labels : m.runningLabels),
        request: r,
      };
    },
    analyse(r: AnalysisRequest): LiveAnalysis {
      return crossbarView(this.analysisInput(r)!);
    },
  };

  function takePrediction(): { predicted: number; label: number } | null {
    const a = exp.answer;
    if (a.count === answered) return null;
    answered = a.count;
    return { predicted: a.predicted, label: a.label };
  }

}


/** The CUBA network (Brian2 examples/CUBA.py) as a live source. */
export function cubaSource(options: { readonly neurons?: number; readonly seed?: number } = {}): LiveSource {
  const { net, exc, inh } = cubaNetwork({ neurons: options.neurons ?? 4000, seed: options.seed ?? 1 });
  const tap = attachTap(net, [exc, inh], { population: exc, thresholdBase: CUBA.vThresh });
  net.build();
  const clock = frameClock(tap);
  return {
    hello: () => ({
      kind: 'hello',
      scenario: 'cuba',
      title: `CUBA, ${exc.n + inh.n} neurons (Brian2 examples/CUBA.py)`,
      dt: net.dt,
      populations: [
        { label: 'exc', n: exc.n, role: 'exc' },
        { label: 'inh', n: inh.n, role: 'inh' },
      ],
      image: null,
      receptive: null,
      device: null,
      probe: { population: 0, n: exc.n },
      spec: { network: 'cuba', neurons: exc.n + inh.n, seed: options.seed ?? 1 },
      phases: ['run'],
    }),
    advance(steps: number): number {
      net.runSteps(steps);
      return steps;
    },
    finished: false,
    get step() {
      return tap.tick;
    },
    get selected() {
      return tap.selected;
    },
    select(i: number) {
      tap.selected = checkNeuron(i, exc.n);
    },
    frame: (o: FrameOptions): LiveFrame => clock.frame(o, 0, { sample: null, progress: null, weights: null, devices: null, prediction: null }),
    analyse: () => null,
    analysisInput: () => null,
    restate: () => {},
  };
}

