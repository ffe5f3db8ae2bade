/**
 * Spike-timing-dependent plasticity rules as plug-ins (Updaters in the `plasticity` phase).
 *
 * Each rule watches one projection. Per step: traces decay; for every presynaptic spike the row
 * of its synapses gets a depression term, for every postsynaptic spike the column gets a
 * potentiation term; then traces are bumped. Changes go through learning/apply.ts: applied and
 * clipped on a float store, turned into device pulses on a memristive store.
 *
 * Rules (Δt = t_post − t_pre):
 *  - pair (Song, Miller & Abbott 2000; Morrison et al. 2008 §4): on post, Δw = A+·x_pre;
 *    on pre, Δw = −A−·y_post; window Δw(Δt) = A+·e^(−Δt/τ+) for Δt ≥ 0, −A−·e^(Δt/τ−) for Δt < 0.
 *    `interaction`: 'allToAll' (traces add) or 'nearest' (traces reset to 1).
 *    `weightDependence`: 'additive' (clipped to [wMin, wMax]) or 'softBound' (multiplicative:
 *    Δw+ ∝ (wMax − w), Δw− ∝ (w − wMin); van Rossum, Bi & Turrigiano 2000).
 *  - triplet (Pfister & Gerstner 2006, J. Neurosci. 26:9673, all-to-all "minimal" model):
 *    on post, Δw = r1·(A2+ + A3+·o2⁻); on pre, Δw = −o1·(A2− + A3−·r2⁻), where ⁻ is the trace
 *    value just before its own bump; r1, r2 (τ+, τx) are pre traces, o1, o2 (τ−, τy) post traces.
 *  - diehlCook (Diehl & Cook 2015 and their code): pre trace (τ 20 ms), post traces post1 (20 ms),
 *    post2 (40 ms), all nearest (set to 1); on pre, Δw = −νpre·post1; on post,
 *    Δw = νpost·pre·post2⁻; weights clipped to [0, wmax].
 *  - querlioz (Querlioz et al. 2013, IEEE TNANO 12:288, "simplified STDP"): on a post spike, every
 *    synapse whose input fired within the last tLTP gets one potentiating step (+α+), every other
 *    synapse one depressing step (−α−). On a memristive store these are single pulses.
 */
import type { Updater, BuildContext, Population, Projection } from '../core/network.js';
import type { ProjectionStructure, ColumnIndex } from '../core/synapses/projection.js';
import type { SpikeBuffer } from '../core/neurons/spikes.js';
import { finiteNumber, positive, format, type Quantity } from '../core/units.js';
import { createTrace, decayTrace, bumpTrace, restoreTrace, syncTrace, type Trace } from './traces.js';
import { createPulseQueue, enqueuePulses, flushPulses, isPulsed, queueChange, ROUNDINGS, type PulseQueue, type PulsedStore, type Rounding } from './apply.js';

export interface PairStdpParams {
  readonly kind: 'pair';
  /** potentiation / depression amplitudes [weight units] */
  readonly aPlus: number;
  readonly aMinus: number;
  /** time constants [ms] */
  readonly tauPlus: Quantity;
  readonly tauMinus: Quantity;
  readonly interaction?: 'allToAll' | 'nearest';
  readonly weightDependence?: 'additive' | 'softBound';
}
export interface TripletStdpParams {
  readonly kind: 'triplet';
  readonly a2Plus: number;
  readonly a3Plus: number;
  readonly a2Minus: number;
  readonly a3Minus: number;
  readonly tauPlus: Quantity;
  readonly tauMinus: Quantity;
  readonly tauX: Quantity;
  readonly tauY: Quantity;
}
export interface DiehlCookParams {
  readonly kind: 'diehlCook';
  readonly nuPre: number;
  readonly nuPost: number;
  readonly tauPre: Quantity;
  readonly tauPost1: Quantity;
  readonly tauPost2: Quantity;
}
export interface QuerliozParams {
  readonly kind: 'querlioz';
  /** potentiation window [ms] */
  readonly tLtp: Quantity;
  /** step sizes on a float store [weight units] (a memristive store uses one pulse each) */
  readonly alphaPlus: number;
  readonly alphaMinus: number;
}
export type RuleParams = PairStdpParams | TripletStdpParams | DiehlCookParams | QuerliozParams;

/** Published defaults. */
export const DIEHL_COOK_RULE: DiehlCookParams = Object.freeze({ kind: 'diehlCook', nuPre: 1e-4, nuPost: 1e-2, tauPre: 20, tauPost1: 20, tauPost2: 40 });
/** Pfister & Gerstner 2006, Table 4, visual cortex, all-to-all minimal model (A3− = 0). */
export const TRIPLET_VISUAL_CORTEX: TripletStdpParams = Object.freeze({ kind: 'triplet', a2Plus: 5e-10, a3Plus: 6.2e-3, a2Minus: 7e-3, a3Minus: 0, tauPlus: 16.8, tauMinus: 33.7, tauX: 101, tauY: 125 });
/** Song, Miller & Abbott 2000 (A− slightly larger than A+ for stability). */
export const SONG_2000_PAIR: PairStdpParams = Object.freeze({ kind: 'pair', aPlus: 0.005, aMinus: 0.00525, tauPlus: 20, tauMinus: 20, interaction: 'allToAll', weightDependence: 'additive' });
/** Querlioz et al. 2013: tLTP = 45 ms. */
export const QUERLIOZ_2013: QuerliozParams = Object.freeze({ kind: 'querlioz', tLtp: 45, alphaPlus: 0.01, alphaMinus: 0.005 });

export const RULES = Object.freeze({ pair: SONG_2000_PAIR, triplet: TRIPLET_VISUAL_CORTEX, diehlCook: DIEHL_COOK_RULE, querlioz: QUERLIOZ_2013 });
export type RuleName = keyof typeof RULES;

export interface RuleOptions {
  /** rounding of pulse counts on a memristive store; default 'stochastic' */
  readonly rounding?: Rounding;
  /** bounds on a float store; default the store's own [wMin, wMax] */
  readonly wMin?: number;
  readonly wMax?: number;
  /** order within the plasticity phase */
  readonly order?: number;
}

/** Live statistics of a rule (read any time). */
export interface RuleStats {
  /** weight-change events evaluated */
  updates: number;
  /** pulses requested from a memristive store */
  pulses: number;
}

export interface PlasticityRule extends Updater {
  readonly params: RuleParams;
  readonly projection: Projection<Population>;
  readonly stats: RuleStats;
  /**
   * Multiplies every amplitude / learning rate of the rule (1 = as published). A schedule that
   * lowers it over training anneals learning; it is part of the rule's snapshot.
   */
  rateScale: number;
}

interface RuleState {
  s: ProjectionStructure;
  cols: ColumnIndex;
  w: Float32Array;
  wMin: number;
  wMax: number;
  pulsed: PulsedStore | null;
  queue: PulseQueue | null;
  pre: SpikeBuffer;
  post: SpikeBuffer;
  dt: number;
}

/** What a rule's snapshot holds (plain data; typed arrays are copies). */
interface RuleSnapshot {
  /** the traces' values and their lists of nonzero entries, in list order */
  readonly traces: readonly { readonly x: Float64Array; readonly list: Int32Array }[];
  /** Querlioz: step of each pre neuron's latest spike (an Int32Array in snapshots of memspike ≤ 0.2.0) */
  readonly lastPre: Float64Array | Int32Array | null;
  readonly stats: RuleStats;
  readonly rateScale?: number;
  /** state of the pulse-rounding stream (memristive stores only) */
  readonly rng: number[] | null;
}

/** The fields of each kind of rule (besides `kind`). */
const RULE_FIELDS = Object.freeze({
  pair: ['aPlus', 'aMinus', 'tauPlus', 'tauMinus', 'interaction', 'weightDependence'],
  triplet: ['a2Plus', 'a3Plus', 'a2Minus', 'a3Minus', 'tauPlus', 'tauMinus', 'tauX', 'tauY'],
  diehlCook: ['nuPre', 'nuPost', 'tauPre', 'tauPost1', 'tauPost2'],
  querlioz: ['tLtp', 'alphaPlus', 'alphaMinus'],
} as const satisfies Record<RuleParams['kind'], readonly string[]>) as Readonly<Record<RuleParams['kind'], readonly string[]>>;

function validateRule(p: RuleParams): void {
  const num = (v: unknown, f: string) => {
    const x = finiteNumber(v, `rule.${f}`, 'give a finite number ≥ 0');
    if (x < 0) throw new Error(`rule.${f} = ${x} is negative; amplitudes and rates are ≥ 0 (the sign is set by the rule).`);
  };
  // a misspelt field (nuPst for nuPost) would be ignored and the rule run with its default: refuse it
  const fields = RULE_FIELDS[(p as { kind?: string })?.kind as keyof typeof RULE_FIELDS];
  if (fields !== undefined && p !== null && typeof p === 'object') {
    for (const key of Object.keys(p)) {
      if (key !== 'kind' && !fields.includes(key)) throw new Error(`rule.${key} is not a parameter of the '${p.kind}' rule; its parameters: ${fields.join(', ')}.`);
    }
  }
  switch (p?.kind) {
    case 'pair':
      num(p.aPlus, 'aPlus');
      num(p.aMinus, 'aMinus');
      positive(p.tauPlus, 'time', 'rule.tauPlus');
      positive(p.tauMinus, 'time', 'rule.tauMinus');
      if (p.interaction !== undefined && p.interaction !== 'allToAll' && p.interaction !== 'nearest') throw new Error(`rule.interaction = ${format(p.interaction)} is unknown; use 'allToAll' or 'nearest'.`);
      if (p.weightDependence !== undefined && p.weightDependence !== 'additive' && p.weightDependence !== 'softBound') throw new Error(`rule.weightDependence = ${format(p.weightDependence)} is unknown; use 'additive' or 'softBound'.`);
      return;
    case 'triplet':
      for (const f of ['a2Plus', 'a3Plus', 'a2Minus', 'a3Minus'] as const) num(p[f], f);
      for (const f of ['tauPlus', 'tauMinus', 'tauX', 'tauY'] as const) positive(p[f], 'time', `rule.${f}`);
      return;
    case 'diehlCook':
      num(p.nuPre, 'nuPre');
      num(p.nuPost, 'nuPost');
      for (const f of ['tauPre', 'tauPost1', 'tauPost2'] as const) positive(p[f], 'time', `rule.${f}`);
      return;
    case 'querlioz':
      positive(p.tLtp, 'time', 'rule.tLtp');
      num(p.alphaPlus, 'alphaPlus');
      num(p.alphaMinus, 'alphaMinus');
      return;
    default:
      throw new Error(`rule = ${format((p as { kind?: unknown })?.kind ?? p)} is unknown; use one of ${Object.keys(RULES).join(', ')}.`);
  }
}

/** Looks a rule up by name (CLI), with the list of known names in the error. */
export function ruleByName(name: string): RuleParams {
  const r = Object.prototype.hasOwnProperty.call(RULES, name) ? (RULES as Record<string, RuleParams>)[name] : undefined;
  if (!r) throw new Error(`rule '${name}' is unknown; known rules: ${Object.keys(RULES).join(', ')}.`);
  return r;
}

/**
 * The named rule's published parameters with some of them changed, validated: e.g.
 * `ruleParams('diehlCook', { nuPost: 0.02 })`. A field the rule does not have is an error.
 */
export function ruleParams(name: string, overrides: Readonly<Record<string, number | string>> = {}): RuleParams {
  const base = ruleByName(name);
  for (const key of Object.keys(overrides)) {
    if (key === 'kind' || !(key in base)) throw new Error(`rule.${key} is not a parameter of the '${name}' rule; its parameters: ${Object.keys(base).filter((k) => k !== 'kind').join(', ')}.`);
  }
  const p = Object.freeze({ ...base, ...overrides }) as RuleParams;
  validateRule(p);
  return p;
}

/**
 * Creates a plasticity rule on `projection` (add it with net.addUpdater before build).
 * The projection's post population must be the one whose spikes drive potentiation.
 */
export function stdp(projection: Projection<Population>, params: RuleParams, options: RuleOptions = {}): PlasticityRule {
  validateRule(params);
  const rounding = options.rounding ?? 'stochastic';
  if (!ROUNDINGS.includes(rounding)) throw new Error(`rounding = ${format(rounding)} is unknown; use ${ROUNDINGS.map((r) => `'${r}'`).join(', ')}.`);
  const stats: RuleStats = { updates: 0, pulses: 0 };
  let st: RuleState | null = null;
  let run: (step: number) => void = () => {};
  let traces: Trace[] = [];
  /** Querlioz: step of each pre neuron's latest spike (Float64: exact past 2³¹ steps), −∞ before the first */
  let lastPre: Float64Array | null = null;
  const rule: PlasticityRule = {
    phase: 'plasticity',
    order: options.order ?? 0,
    name: `stdp:${params.kind}:${projection.label}`,
    params,
    projection,
    stats,
    rateScale: 1,
    build(ctx: BuildContext) {
      const s = ctx.projection(projection);
      const store = s.store;
      const pulsed = isPulsed(store) ? store : null;
      const wMin = options.wMin ?? store.wMin;
      const wMax = options.wMax ?? store.wMax;
      if (!(wMax >= wMin)) throw new Error(`${rule.name}: bounds are inverted (wMin ${wMin} > wMax ${wMax}).`);
      if (!pulsed && (params.kind === 'pair' && params.weightDependence === 'softBound') && !(Number.isFinite(wMin) && Number.isFinite(wMax))) {
        throw new Error(`${rule.name}: soft-bound weight dependence needs finite bounds; give wMin and wMax (or floatStore({ wMin, wMax })).`);
      }
      st = {
        s,
        cols: projection.columns(),
        w: store.weights,
        wMin,
        wMax,
        pulsed,
        // Querlioz's rule is defined in whole pulses and never sends χ: fed-back shortfalls would only
        // pile up there, so 'feedback' is 'accumulate' for it (χ untouched)
        queue: pulsed ? createPulseQueue(pulsed, 65536, params.kind === 'querlioz' && rounding === 'feedback' ? 'accumulate' : rounding, ctx.random.stream(`${rule.name}/rounding`)) : null,
        pre: s.preSpikes,
        post: s.postSpikes!,
        dt: ctx.dt,
      };
      const dt = ctx.dt;
      const nPre = s.nPre;
      const nPost = s.nPost;
      switch (params.kind) {
        case 'pair': {
          const nearest = params.interaction === 'nearest';
          const xPre = createTrace(nPre, positive(params.tauPlus, 'time', 'tauPlus'), dt, 1, nearest);
          const yPost = createTrace(nPost, positive(params.tauMinus, 'time', 'tauMinus'), dt, 1, nearest);
          traces = [xPre, yPost];
          const soft = params.weightDependence === 'softBound';
          run = (step) => pairStep(st!, stats, xPre, yPost, params.aPlus * rule.rateScale, params.aMinus * rule.rateScale, soft, step);
          break;
        }
        case 'triplet': {
          const r1 = createTrace(nPre, positive(params.tauPlus, 'time', 'tauPlus'), dt);
          const r2 = createTrace(nPre, positive(params.tauX, 'time', 'tauX'), dt);
          const o1 = createTrace(nPost, positive(params.tauMinus, 'time', 'tauMinus'), dt);
          const o2 = createTrace(nPost, positive(params.tauY, 'time', 'tauY'), dt);
          traces = [r1, r2, o1, o2];
          run = (step) => tripletStep(st!, stats, r1, r2, o1, o2, params, rule.rateScale, step);
          break;
        }
        case 'diehlCook': {
          const pre = createTrace(nPre, positive(params.tauPre, 'time', 'tauPre'), dt, 1, true);
          const post1 = createTrace(nPost, positive(params.tauPost1, 'time', 'tauPost1'), dt, 1, true);
          const post2 = createTrace(nPost, positive(params.tauPost2, 'time', 'tauPost2'), dt, 1, true);
          traces = [pre, post1, post2];
          run = (step) => diehlCookStep(st!, stats, pre, post1, post2, params.nuPre * rule.rateScale, params.nuPost * rule.rateScale, step);
          break;
        }
        case 'querlioz': {
          const window = Math.round(positive(params.tLtp, 'time', 'tLtp') / dt);
          lastPre = new Float64Array(nPre).fill(-Infinity);
          const lp = lastPre;
          run = (step) => querliozStep(st!, stats, lp, window, params.alphaPlus * rule.rateScale, params.alphaMinus * rule.rateScale, step);
          break;
        }
      }
    },
    run(step: number) {
      run(step);
    },
    // Without spikes a step only decays the traces (and flushes an empty pulse queue): passed over
    // by decaying them as often, in the same order (entries leave the lists as they would).
    quiet: {
      steps: (_step: number, max: number) => max,
      pass(_step: number, count: number) {
        for (const t of traces) for (let k = 0; k < count && t.count > 0; k++) decayTrace(t);
      },
    },
    snapshot() {
      return {
        // the list order matters (it orders pulse queues), so it is saved as is
        traces: traces.map((t) => {
          syncTrace(t);
          return { x: t.x.slice(), list: t.list.slice(0, t.count) };
        }),
        lastPre: lastPre ? lastPre.slice() : null,
        stats: { ...stats },
        rateScale: rule.rateScale,
        rng: st?.queue ? Array.from(st.queue.rng.state) : null,
      };
    },
    check(s: unknown) {
      const fail = (why: string): never => {
        throw new Error(`${rule.name}: cannot restore the snapshot: ${why}.`);
      };
      const snap = s as Partial<RuleSnapshot> | null;
      if (snap === null || typeof snap !== 'object' || !Array.isArray(snap.traces) || snap.traces.length !== traces.length) fail(`it is not a snapshot of this rule (${traces.length} traces expected)`);
      snap!.traces!.forEach((t, i) => {
        if (t === null || typeof t !== 'object' || !(t.x instanceof Float64Array) || t.x.length !== traces[i].x.length) fail(`trace ${i} is missing or has the wrong length (Float64Array of ${traces[i].x.length})`);
        if (!(t.list instanceof Int32Array) || t.list.length > t.x.length) fail(`trace ${i} list is corrupt`);
        const seen = new Uint8Array(t.x.length);
        for (let a = 0; a < t.list.length; a++) {
          const k = t.list[a];
          if (!(k >= 0 && k < t.x.length) || seen[k] === 1) fail(`trace ${i} list is corrupt (entry ${a} = ${k})`);
          seen[k] = 1;
        }
      });
      if (lastPre !== null) {
        const lp = snap!.lastPre;
        if (!((lp instanceof Float64Array || lp instanceof Int32Array) && lp.length === lastPre.length)) fail(`lastPre is missing or has the wrong length (${lastPre.length} steps)`);
      }
      const stt = snap!.stats;
      if (stt === null || typeof stt !== 'object' || !(Number.isFinite(stt.updates) && stt.updates >= 0) || !(Number.isFinite(stt.pulses) && stt.pulses >= 0)) fail('stats are missing or not counts ≥ 0');
      if (snap!.rateScale !== undefined && !(typeof snap!.rateScale === 'number' && Number.isFinite(snap!.rateScale) && snap!.rateScale >= 0)) fail(`rateScale = ${String(snap!.rateScale)} is not a finite number ≥ 0`);
      const rng = snap!.rng ?? null;
      if (st?.queue) {
        if (rng !== null && !(Array.isArray(rng) && rng.length === 6 && rng.every((x) => typeof x === 'number' && Number.isFinite(x)))) fail('the rounding stream state is not 6 finite numbers');
      } else if (rng !== null) fail('it holds a rounding stream, which a rule on a float store does not have');
    },
    restore(s: unknown) {
      rule.check!(s);
      const snap = s as RuleSnapshot;
      snap.traces.forEach((t, i) => restoreTrace(traces[i], t.x, t.list));
      if (lastPre && snap.lastPre) lastPre.set(snap.lastPre); // an Int32Array (memspike ≤ 0.2.0) converts exactly
      if (typeof snap.rateScale === 'number') rule.rateScale = snap.rateScale;
      stats.updates = snap.stats.updates;
      stats.pulses = snap.stats.pulses;
      if (st?.queue) {
        // the queue's running total is what `stats.pulses` reports after every flush
        st.queue.requested = snap.stats.pulses;
        if (snap.rng) st.queue.rng.load(snap.rng);
      }
    },
  };
  return rule;
}

// ——— kernels (module level; no allocation) ———

function change(st: RuleState, k: number, dw: number, tNow: number): void {
  if (st.queue) {
    queueChange(st.queue, k, dw, st.pulsed!, tNow);
    return;
  }
  const w = st.w;
  let v = w[k] + dw;
  if (v > st.wMax) v = st.wMax;
  else if (v < st.wMin) v = st.wMin;
  w[k] = v;
}

function finish(st: RuleState, stats: RuleStats, tNow: number): void {
  const q = st.queue;
  if (q) {
    flushPulses(q, st.pulsed!, tNow);
    stats.pulses = q.requested;
  }
}

/**
 * Depression on pre spikes: for each spiking pre j and each of its synapses, dw = −a·y[post]·(soft? w − wMin : 1).
 * Dense storage visits only the postsynaptic neurons whose trace is nonzero (the trace's list).
 */
function depressRows(st: RuleState, stats: RuleStats, yt: Trace, a: number, soft: boolean, tNow: number): void {
  const { rowPtr, post, synapseOf, mask } = st.s;
  const pre = st.pre;
  const w = st.w;
  const y = yt.x;
  if (st.s.storage === 'dense') {
    const nPost = st.s.nPost;
    const list = yt.list;
    const m = yt.count;
    for (let s = 0; s < pre.count; s++) {
      const base = pre.idx[s] * nPost;
      for (let b = 0; b < m; b++) {
        const i = list[b];
        const syn = base + i;
        if (mask && mask[syn] === 0) continue;
        const yi = y[i];
        const dw = soft ? -a * yi * (w[syn] - st.wMin) : -a * yi;
        change(st, syn, dw, tNow);
        stats.updates++;
      }
    }
    return;
  }
  for (let s = 0; s < pre.count; s++) {
    const j = pre.idx[s];
    for (let k = rowPtr[j], end = rowPtr[j + 1]; k < end; k++) {
      const yi = y[post[k]];
      if (yi === 0) continue;
      const syn = synapseOf ? synapseOf[k] : k;
      if (mask && mask[syn] === 0) continue;
      const dw = soft ? -a * yi * (w[syn] - st.wMin) : -a * yi;
      change(st, syn, dw, tNow);
      stats.updates++;
    }
  }
}

/** Potentiation on post spikes: for each spiking post i and each synapse onto it, dw = a·x[pre]·extra·(soft? wMax − w : 1). */
function potentiateColumns(st: RuleState, stats: RuleStats, x: Float64Array, a: number, soft: boolean, tNow: number, extra: Float64Array | null, a3: number): void {
  const { colPtr, pre, synapse } = st.cols;
  const post = st.post;
  const w = st.w;
  for (let s = 0; s < post.count; s++) {
    const i = post.idx[s];
    const gain = extra ? a + a3 * extra[i] : a;
    if (gain === 0) continue;
    for (let c = colPtr[i], end = colPtr[i + 1]; c < end; c++) {
      const xj = x[pre[c]];
      if (xj === 0) continue;
      const syn = synapse[c];
      const dw = soft ? gain * xj * (st.wMax - w[syn]) : gain * xj;
      change(st, syn, dw, tNow);
      stats.updates++;
    }
  }
}

function pairStep(st: RuleState, stats: RuleStats, xPre: Trace, yPost: Trace, aPlus: number, aMinus: number, soft: boolean, step: number): void {
  const tNow = (step + 1) * st.dt;
  decayTrace(xPre);
  decayTrace(yPost);
  if (st.pre.count > 0 && yPost.active) {
    syncTrace(yPost);
    depressRows(st, stats, yPost, aMinus, soft, tNow);
  }
  bumpTrace(xPre, st.pre);
  if (st.post.count > 0 && xPre.active) {
    syncTrace(xPre);
    potentiateColumns(st, stats, xPre.x, aPlus, soft, tNow, null, 0);
  }
  bumpTrace(yPost, st.post);
  finish(st, stats, tNow);
}

function tripletStep(st: RuleState, stats: RuleStats, r1: Trace, r2: Trace, o1: Trace, o2: Trace, p: TripletStdpParams, scale: number, step: number): void {
  const tNow = (step + 1) * st.dt;
  decayTrace(r1);
  decayTrace(r2);
  decayTrace(o1);
  decayTrace(o2);
  // pre spikes: dw = −o1·(A2− + A3−·r2⁻) with r2⁻ the pre neuron's r2 before its bump
  if (st.pre.count > 0 && o1.active) {
    const { rowPtr, post, synapseOf } = st.s;
    for (let s = 0; s < st.pre.count; s++) {
      const j = st.pre.idx[s];
      const gain = scale * (p.a2Minus + p.a3Minus * r2.x[j]);
      for (let k = rowPtr[j], end = rowPtr[j + 1]; k < end; k++) {
        const oi = o1.x[post[k]];
        if (oi === 0) continue;
        change(st, synapseOf ? synapseOf[k] : k, -oi * gain, tNow);
        stats.updates++;
      }
    }
  }
  bumpTrace(r1, st.pre);
  bumpTrace(r2, st.pre);
  // post spikes: dw = r1·(A2+ + A3+·o2⁻) with o2⁻ before the post bump
  if (st.post.count > 0 && r1.active) potentiateColumns(st, stats, r1.x, scale * p.a2Plus, false, tNow, o2.x, scale * p.a3Plus);
  bumpTrace(o1, st.post);
  bumpTrace(o2, st.post);
  finish(st, stats, tNow);
}

function diehlCookStep(st: RuleState, stats: RuleStats, pre: Trace, post1: Trace, post2: Trace, nuPre: number, nuPost: number, step: number): void {
  const tNow = (step + 1) * st.dt;
  decayTrace(pre);
  decayTrace(post1);
  decayTrace(post2);
  // on_pre: pre = 1; w = clip(w − νpre·post1, 0, wmax)
  if (st.pre.count > 0 && post1.active) {
    syncTrace(post1);
    depressRows(st, stats, post1, nuPre, false, tNow);
  }
  bumpTrace(pre, st.pre);
  // on_post: post2before = post2; w = clip(w + νpost·pre·post2before); post1 = post2 = 1
  if (st.post.count > 0 && pre.active) {
    syncTrace(pre);
    syncTrace(post2);
    potentiateColumnsDC(st, stats, pre.x, post2.x, nuPost, tNow);
  }
  bumpTrace(post1, st.post);
  bumpTrace(post2, st.post);
  finish(st, stats, tNow);
}

function potentiateColumnsDC(st: RuleState, stats: RuleStats, x: Float64Array, post2: Float64Array, nu: number, tNow: number): void {
  const { colPtr, pre, synapse } = st.cols;
  const post = st.post;
  for (let s = 0; s < post.count; s++) {
    const i = post.idx[s];
    const gain = nu * post2[i];
    if (gain === 0) continue;
    for (let c = colPtr[i], end = colPtr[i + 1]; c < end; c++) {
      const xj = x[pre[c]];
      if (xj === 0) continue;
      change(st, synapse[c], gain * xj, tNow);
      stats.updates++;
    }
  }
}

function querliozStep(st: RuleState, stats: RuleStats, lastPre: Float64Array, window: number, alphaPlus: number, alphaMinus: number, step: number): void {
  const tNow = (step + 1) * st.dt;
  const pre = st.pre;
  for (let s = 0; s < pre.count; s++) lastPre[pre.idx[s]] = step;
  const post = st.post;
  if (post.count === 0) return;
  const { colPtr, pre: preOf, synapse } = st.cols;
  const q = st.queue;
  for (let s = 0; s < post.count; s++) {
    const i = post.idx[s];
    for (let c = colPtr[i], end = colPtr[i + 1]; c < end; c++) {
      const ltp = step - lastPre[preOf[c]] <= window;
      if (q) {
        // one pulse each way, whatever the device's step (Querlioz's rule is defined in pulses)
        enqueuePulses(q, synapse[c], ltp ? 1 : -1, st.pulsed!, tNow);
      } else {
        change(st, synapse[c], ltp ? alphaPlus : -alphaMinus, tNow);
      }
      stats.updates++;
    }
  }
  finish(st, stats, tNow);
}
