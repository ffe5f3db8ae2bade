/**
 * Sizes that cannot fit, refused before anything is allocated.
 *
 * Limits:
 *   memory        half of this machine's physical memory (os.totalmem()): what one run may take
 *                 and leave the system (and V8's garbage collector, which can hold a dead copy of
 *                 an array for a while) room to work. Typed arrays live outside V8's heap, so the
 *                 heap limit (--max-old-space-size) does not bound them; physical memory does.
 *   typed arrays  2³² elements (V8's limit on Node 20: `new Float32Array(2 ** 32 + 1)` throws
 *                 "Invalid typed array length"); a model file is encoded into one Uint8Array, so it
 *                 is bounded by 2³² bytes too.
 *   strings       buffer.constants.MAX_STRING_LENGTH characters (2²⁹ − 24 on Node 20): a CSV or
 *                 SVG written as one string.
 * Each check throws `<flag> <value>: <what> needs about X GB …; the limit is …; give <flag> ≤ N`.
 */
import { constants } from 'node:buffer';
import { totalmem } from 'node:os';
import { modelSize, peakBytes } from '../networks/diehl-cook/resources.js';
import type { ExperimentSpec } from '../networks/diehl-cook/spec.js';
import { SpecError } from '../networks/experiment/spec-error.js';

/** Physical memory of this machine [bytes]. */
export const TOTAL_MEMORY = totalmem();
/** The most one run may take [bytes]: half of the physical memory. */
export const MEMORY_LIMIT = Math.floor(TOTAL_MEMORY / 2);
/** The most elements of one typed array (V8 on Node 20). */
export const TYPED_ARRAY_MAX = 2 ** 32;
/** The longest string V8 makes [characters]. */
export const STRING_MAX = constants.MAX_STRING_LENGTH;

/** Bytes as '1.25 GB' (decimal gigabytes, three significant digits). */
export function gb(bytes: number): string {
  return `${Number((bytes / 1e9).toPrecision(3))} GB`;
}

/** What the memory limit is, in words. */
export function memoryLimitText(): string {
  return `the limit is ${gb(MEMORY_LIMIT)} (half of this machine's ${gb(TOTAL_MEMORY)})`;
}

/** The largest whole value in [lo, hi] for which `fits` holds (fits must be monotone: true, then false); lo − 1 if none. */
export function largestFitting(lo: number, hi: number, fits: (v: number) => boolean): number {
  if (!fits(lo)) return lo - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Refuses a count whose estimated memory exceeds MEMORY_LIMIT (or whose largest array or string
 * exceeds V8's limits): `bytes(v)` is the estimate for the value v of `flag`, `what` names the job.
 */
export function checkMemory(flag: string, raw: string, value: number, what: string, est: { bytes: (v: number) => number; arrayLength?: (v: number) => number; stringLength?: (v: number) => number }, min = 1): void {
  const arrayOk = (v: number) => est.arrayLength === undefined || est.arrayLength(v) <= TYPED_ARRAY_MAX;
  const stringOk = (v: number) => est.stringLength === undefined || est.stringLength(v) <= STRING_MAX;
  const fits = (v: number) => est.bytes(v) <= MEMORY_LIMIT && arrayOk(v) && stringOk(v);
  if (fits(value)) return;
  const most = largestFitting(min, value, fits);
  const give = most >= min ? `give ${flag} ≤ ${most}` : `this machine cannot run it`;
  if (!arrayOk(value)) throw new Error(`${flag} ${raw}: ${what} needs an array of ${est.arrayLength!(value)} elements, beyond the ${TYPED_ARRAY_MAX} (2³²) a JavaScript typed array holds; ${give}.`);
  if (!stringOk(value)) throw new Error(`${flag} ${raw}: ${what} writes a text of about ${est.stringLength!(value)} characters, beyond the ${STRING_MAX} a JavaScript string holds; ${give}.`);
  throw new Error(`${flag} ${raw}: ${what} needs about ${gb(est.bytes(value))} of memory; ${memoryLimitText()}; ${give}.`);
}

/**
 * Refuses a Diehl & Cook network that cannot fit (networks/diehl-cook/resources.ts estimates it):
 * a SpecError on `neurons`, which the CLI says with the flag or the file that set it. `saves`: the
 * run may write a model file or a checkpoint (its encoded bytes are in memory too).
 */
export function checkModelFits(spec: Pick<ExperimentSpec, 'neurons' | 'device' | 'cell'> & { readonly schedule?: ExperimentSpec['schedule'] }, saves: boolean): void {
  const size = (n: number) => modelSize({ ...spec, neurons: n });
  const fits = (n: number) => {
    const s = size(n);
    return peakBytes(s, saves) <= MEMORY_LIMIT && s.largestArray <= TYPED_ARRAY_MAX && (!saves || s.fileBytes <= TYPED_ARRAY_MAX);
  };
  const n = spec.neurons;
  if (fits(n)) return;
  const most = largestFitting(1, n, fits);
  const s = size(n);
  const give = `give at most ${most} neurons`;
  const net = `a network of ${n} neurons`;
  if (s.largestArray > TYPED_ARRAY_MAX) throw new SpecError('neurons', n, `${net} needs an array of ${s.largestArray} inhibitory weights, beyond the ${TYPED_ARRAY_MAX} (2³²) a JavaScript typed array holds; ${give}.`);
  if (saves && s.fileBytes > TYPED_ARRAY_MAX) throw new SpecError('neurons', n, `${net} makes a model file of about ${gb(s.fileBytes)}, beyond the ${gb(TYPED_ARRAY_MAX)} (2³² bytes) one typed array holds while it is encoded; ${give}.`);
  throw new SpecError('neurons', n, `${net} needs about ${gb(peakBytes(s, saves))} of memory${saves ? ` (${gb(s.memoryBytes)} for the network, twice its ${gb(s.fileBytes)} model file while it is saved)` : ''}; ${memoryLimitText()}; ${give}.`);
}
