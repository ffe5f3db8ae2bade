/**
 * Connectors: which (pre, post) pairs a projection has, and their initial weights.
 *
 * A connector produces synapses sorted by (pre, post) — CSR row order — so that dense and sparse
 * storage see the same synapses in the same order. Fixed-probability connectivity draws, for each
 * presynaptic neuron, the gaps between its targets from a geometric distribution (one draw per
 * synapse rather than one per pair: Batagelj & Brandes 2005, "Efficient generation of large random
 * networks", Phys. Rev. E 71:036113).
 */
import type { RandomStream } from '../random.js';
import { format, probability, toInternal, type Quantity } from '../units.js';
import { log } from '../math.js';

export type Connector =
  | { readonly kind: 'allToAll' }
  | { readonly kind: 'oneToOne' }
  | { readonly kind: 'allButSelf' }
  | { readonly kind: 'fixedProbability'; readonly p: number; readonly allowSelf: boolean }
  | { readonly kind: 'pairs'; readonly pre: ArrayLike<number>; readonly post: ArrayLike<number> };

export const allToAll = (): Connector => ({ kind: 'allToAll' });
export const oneToOne = (): Connector => ({ kind: 'oneToOne' });
/** Every pair except i → i (for a projection of a population onto itself, or lateral inhibition). */
export const allButSelf = (): Connector => ({ kind: 'allButSelf' });
/** Each pair independently with probability p (self-connections kept unless allowSelf is false). */
export const fixedProbability = (p: number, options: { allowSelf?: boolean } = {}): Connector => ({ kind: 'fixedProbability', p, allowSelf: options.allowSelf ?? true });
/** Explicit synapses pre[k] → post[k]. */
export const pairs = (pre: ArrayLike<number>, post: ArrayLike<number>): Connector => ({ kind: 'pairs', pre, post });

/** Initial weights: a value, a distribution, or one value per synapse (connector order). */
export type WeightInit =
  | Quantity
  | { readonly uniform: readonly [Quantity, Quantity] }
  | { readonly normal: readonly [Quantity, Quantity] }
  | ArrayLike<number>;

/** The synapses of a projection in CSR form. */
export interface Connectivity {
  readonly nPre: number;
  readonly nPost: number;
  /** rowPtr[j] … rowPtr[j+1] are the synapses of presynaptic neuron j */
  readonly rowPtr: Int32Array;
  /** postsynaptic index of each synapse */
  readonly post: Int32Array;
  /** for `pairs`: the index in the user's arrays of each synapse (CSR order) */
  readonly userOrder?: Int32Array;
}

/** Builds the CSR connectivity of a connector (validated). */
export function connect(c: Connector, nPre: number, nPost: number, rng: RandomStream, name: string): Connectivity {
  switch (c?.kind) {
    case 'allToAll': {
      const rowPtr = new Int32Array(nPre + 1);
      const post = new Int32Array(nPre * nPost);
      for (let j = 0; j < nPre; j++) {
        rowPtr[j + 1] = (j + 1) * nPost;
        for (let i = 0; i < nPost; i++) post[j * nPost + i] = i;
      }
      return { nPre, nPost, rowPtr, post };
    }
    case 'oneToOne': {
      if (nPre !== nPost) throw new Error(`${name}: oneToOne needs equal sizes, got ${nPre} → ${nPost}; use allToAll, fixedProbability or pairs.`);
      const rowPtr = new Int32Array(nPre + 1);
      const post = new Int32Array(nPre);
      for (let j = 0; j < nPre; j++) {
        rowPtr[j + 1] = j + 1;
        post[j] = j;
      }
      return { nPre, nPost, rowPtr, post };
    }
    case 'allButSelf': {
      if (nPre !== nPost) throw new Error(`${name}: allButSelf needs equal sizes, got ${nPre} → ${nPost}; use allToAll.`);
      const rowPtr = new Int32Array(nPre + 1);
      const post = new Int32Array(nPre * (nPost - 1));
      let k = 0;
      for (let j = 0; j < nPre; j++) {
        for (let i = 0; i < nPost; i++) if (i !== j) post[k++] = i;
        rowPtr[j + 1] = k;
      }
      return { nPre, nPost, rowPtr, post };
    }
    case 'fixedProbability': {
      const p = probability(c.p, `${name}.connector.p`);
      const rowPtr = new Int32Array(nPre + 1);
      let post = new Int32Array(Math.max(16, Math.ceil(nPre * nPost * p * 1.1 + 64)));
      let k = 0;
      const logq = log(1 - p);
      for (let j = 0; j < nPre; j++) {
        if (p > 0) {
          let i = -1;
          for (;;) {
            // Gap to the next target: geometric on {1, 2, …} with success probability p.
            i += p === 1 ? 1 : Math.floor(log(1 - rng.uniform()) / logq) + 1;
            if (i >= nPost) break;
            if (!c.allowSelf && i === j) continue;
            if (k === post.length) {
              const grown = new Int32Array(post.length * 2);
              grown.set(post);
              post = grown;
            }
            post[k++] = i;
          }
        }
        rowPtr[j + 1] = k;
      }
      return { nPre, nPost, rowPtr, post: post.slice(0, k) };
    }
    case 'pairs': {
      const { pre: a, post: b } = c;
      if (a == null || b == null || a.length !== b.length) throw new Error(`${name}: pairs needs pre and post arrays of equal length (got ${a?.length} and ${b?.length}).`);
      const m = a.length;
      const order = new Array<number>(m);
      for (let k = 0; k < m; k++) {
        if (!Number.isInteger(a[k]) || a[k] < 0 || a[k] >= nPre) throw new Error(`${name}: pre[${k}] = ${format(a[k])} is not an index in [0, ${nPre - 1}].`);
        if (!Number.isInteger(b[k]) || b[k] < 0 || b[k] >= nPost) throw new Error(`${name}: post[${k}] = ${format(b[k])} is not an index in [0, ${nPost - 1}].`);
        order[k] = k;
      }
      order.sort((x, y) => a[x] - a[y] || b[x] - b[y]);
      const rowPtr = new Int32Array(nPre + 1);
      const post = new Int32Array(m);
      const userOrder = Int32Array.from(order);
      for (let k = 0; k < m; k++) {
        const o = order[k];
        if (k > 0 && a[o] === a[order[k - 1]] && b[o] === b[order[k - 1]]) throw new Error(`${name}: the pair ${a[o]} → ${b[o]} is given twice; each synapse once.`);
        post[k] = b[o];
        rowPtr[a[o] + 1]++;
      }
      for (let j = 0; j < nPre; j++) rowPtr[j + 1] += rowPtr[j];
      return { nPre, nPost, rowPtr, post, userOrder };
    }
    default:
      throw new Error(`${name}.connector = ${format(c)} is unknown; use allToAll(), oneToOne(), allButSelf(), fixedProbability(p) or pairs(pre, post).`);
  }
}

/**
 * Initial weights for `size` synapses in CSR order. An explicit per-synapse array is read in the
 * user's order: through `userOrder` for a `pairs` connector, in (pre, post) order otherwise.
 * `dim`: mV for a current-based target, a plain number for a conductance-based one (relative to the
 * leak), or a plain number for a target without synaptic input (`plain` says why, for the error).
 */
export function initialWeights(w: WeightInit, size: number, dim: 'voltage' | 'dimensionless' | { readonly plain: string }, rng: RandomStream, name: string, userOrder?: Int32Array): Float32Array {
  const out = new Float32Array(size);
  const scalar = (q: Quantity, field: string): number => {
    if (dim === 'dimensionless') {
      if (typeof q !== 'number' || !Number.isFinite(q)) throw new Error(`${field} = ${format(q)} must be a plain number for a conductance-based target (weights are relative to the leak conductance).`);
      return q;
    }
    if (typeof dim === 'object') {
      // weights of a target without synaptic input (a generator or Poisson population): plain numbers, for plasticity only
      if (typeof q !== 'number' || !Number.isFinite(q)) throw new Error(`${field} = ${format(q)} must be a plain number: ${dim.plain}.`);
      return q;
    }
    return toInternal(q, 'voltage', field);
  };
  if (typeof w === 'number' || typeof w === 'string') {
    out.fill(scalar(w, `${name}.weight`));
  } else if (w != null && typeof w === 'object' && 'uniform' in w) {
    const lo = scalar(w.uniform[0], `${name}.weight.uniform[0]`);
    const hi = scalar(w.uniform[1], `${name}.weight.uniform[1]`);
    if (!(hi >= lo)) throw new Error(`${name}.weight.uniform = [${lo}, ${hi}] is inverted; give [low, high].`);
    for (let k = 0; k < size; k++) out[k] = lo + (hi - lo) * rng.uniform();
  } else if (w != null && typeof w === 'object' && 'normal' in w) {
    const mu = scalar(w.normal[0], `${name}.weight.normal[0]`);
    const sd = scalar(w.normal[1], `${name}.weight.normal[1]`);
    if (!(sd >= 0)) throw new Error(`${name}.weight.normal σ = ${sd} is negative; give σ ≥ 0.`);
    for (let k = 0; k < size; k++) out[k] = mu + sd * rng.normal();
  } else if (w != null && typeof (w as ArrayLike<number>).length === 'number') {
    const a = w as ArrayLike<number>;
    if (a.length !== size) throw new Error(`${name}.weight has ${a.length} values for ${size} synapses; give one value per synapse in (pre, post) order.`);
    for (let k = 0; k < size; k++) {
      const u = userOrder ? userOrder[k] : k;
      if (!Number.isFinite(a[u])) throw new Error(`${name}.weight[${u}] = ${format(a[u])} is not a finite number.`);
      out[k] = a[u];
    }
  } else {
    throw new Error(`${name}.weight = ${format(w)} is not a value, { uniform: [lo, hi] }, { normal: [μ, σ] } or an array.`);
  }
  return out;
}
