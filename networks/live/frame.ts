/**
 * The live stream: what a running simulation tells a viewer, as self-contained binary messages.
 * The same bytes travel from the viewer's Web Worker to its page (posted as a transferable
 * ArrayBuffer) and from `memspike train --live` to a viewer over a WebSocket, so both paths share
 * one encoder, one decoder and one set of tests.
 *
 * A stream starts with a `hello` (what is simulated: populations, input image shape, the device)
 * and continues with `frame`s, each covering the steps [stepFrom, stepTo): every spike of every
 * population in those steps, the membrane potential and threshold of one chosen neuron at every
 * step, the image on show, progress, and — every so often — the input weights (receptive fields)
 * and the device state. `analysis` messages answer a viewer's request (crossbar view, drift), and
 * `error` messages say what went wrong and what to do.
 *
 * Message layout (little-endian):
 *   'MSLV'  u32 format  u32 header bytes  header (UTF-8 JSON)  padding to 8  array bytes…
 * In the header, a typed array is replaced by { "$array": k, "dtype": …, "length": … }; array k
 * starts at the next multiple of 8 after array k − 1. Decoding checks the magic, the format,
 * the header, every array's type, length and bounds before it returns anything.
 */

import { dtypeOf as modelDtypeOf } from '../persist/model-file.js';
import type { ExperimentProgress } from '../experiment/runner.js';

/** Bumped whenever the layout or the meaning of a field changes. */
export const LIVE_FORMAT = 1;
const MAGIC = 0x564c534d; // 'MSLV' read as little-endian u32

export type LiveArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array | Int8Array;

/** A population as the viewer draws it. */
export interface LivePopulation {
  readonly label: string;
  readonly n: number;
  /** what the raster colours it as */
  readonly role: 'input' | 'exc' | 'inh';
}

/** The device the plastic synapses are made of (null: ideal float weights). */
export interface LiveDevice {
  readonly preset: string;
  readonly citation: string;
  readonly cell: 'pair' | 'single';
  /** conductance range [µS] */
  readonly gMin: number;
  readonly gMax: number;
  /** pulses a device survives (Infinity: no wear-out; sent as null in JSON) */
  readonly endurance: number | null;
}

/** Sent first, and again whenever the simulation is rebuilt. */
export interface LiveHello {
  readonly kind: 'hello';
  /** 'diehl-cook' (learning), 'model' (a saved model classifying), 'cuba' */
  readonly scenario: string;
  readonly title: string;
  /** time step [ms] */
  readonly dt: number;
  readonly populations: readonly LivePopulation[];
  /** input image shape (null when the network has no image input) */
  readonly image: { readonly rows: number; readonly cols: number } | null;
  /** the plastic projection shown as receptive fields: inputs × neurons (null when none) */
  readonly receptive: { readonly inputs: number; readonly neurons: number } | null;
  readonly device: LiveDevice | null;
  /** the population whose neurons can be probed (index into populations) and its size */
  readonly probe: { readonly population: number; readonly n: number } | null;
  /** the experiment spec when there is one (plain JSON) */
  readonly spec: unknown;
  /** the schedule's phases, by display name */
  readonly phases: readonly string[];
}

/** Spikes of one population in a frame: parallel arrays, oldest first. */
export interface LiveSpikes {
  readonly steps: Int32Array;
  readonly indices: Int32Array;
  /** spikes of these steps the recorder could not keep (ring full) */
  readonly dropped: number;
}

/** Membrane potential and threshold of the probed neuron, one value per step from `stepFrom`. */
export interface LiveProbe {
  readonly population: number;
  readonly neuron: number;
  readonly stepFrom: number;
  /** [mV] */
  readonly v: Float32Array;
  /** threshold including adaptation θ [mV] */
  readonly threshold: Float32Array;
}

export interface LiveSample {
  readonly split: 'train' | 'test';
  readonly index: number;
  readonly label: number;
  /** the image's pixels (0…255), rows × cols */
  readonly pixels: Uint8Array;
}

/** Progress as the runner reports it (networks/experiment/runner.ts), in JSON's terms: no accuracy yet is null, not NaN. */
export interface LiveProgress extends Pick<ExperimentProgress, 'phase' | 'name' | 'index' | 'phases' | 'done' | 'total'> {
  /** running accuracy of the phase (null: none yet) */
  readonly accuracy: number | null;
  readonly finished: boolean;
}

/** Device state of the plastic synapses (memristive stores only). */
export interface LiveDevices {
  /** G+ (or the single device) per synapse [µS], inputs × neurons row-major */
  readonly gPlus: Float32Array;
  /** G− per synapse [µS] (pair cells), or null */
  readonly gMinus: Float32Array | null;
  /** pulses the synapse's device has taken (pair cells: the more-worn of G+ and G−), initial programming included */
  readonly pulseCount: Uint32Array;
  /** pulses applied so far, and their energy [nJ] */
  readonly pulses: number;
  readonly energy_nJ: number;
}

export interface LiveFrame {
  readonly kind: 'frame';
  readonly seq: number;
  /** steps covered: [stepFrom, stepTo) */
  readonly stepFrom: number;
  readonly stepTo: number;
  /** wall time the sender spent simulating these steps [ms] */
  readonly busyMs: number;
  /** frames the sender dropped before this one (slow receiver) */
  readonly droppedFrames: number;
  /** whether the sender ran fewer steps than its clock asked for (it is behind real time × speed) */
  readonly behind: boolean;
  readonly spikes: readonly LiveSpikes[];
  readonly probe: LiveProbe | null;
  readonly sample: LiveSample | null;
  readonly progress: LiveProgress | null;
  /** input → neuron weights, inputs × neurons row-major (null when not sent this frame) */
  readonly weights: Float32Array | null;
  readonly devices: LiveDevices | null;
  /** predicted class of the last finished sample (−1: none), and its true class */
  readonly prediction: { readonly predicted: number; readonly label: number } | null;
}

/** The programmed crossbar, its column currents for one input, and the array's drift over age. */
export interface LiveAnalysis {
  readonly kind: 'analysis';
  readonly rows: number;
  readonly cols: number;
  /** effective weights of the programmed array (rows × cols, row = input) [weight units] */
  readonly programmed: Float32Array;
  /** column outputs for the input below (normalised current, one per column) */
  readonly currents: Float32Array;
  readonly input: Uint8Array;
  readonly device: string;
  readonly programming: string;
  /** ages [ms] and the array's mean |weight| relative to fresh, raw and with global compensation */
  readonly ages: Float64Array;
  readonly driftRaw: Float64Array;
  readonly driftCompensated: Float64Array;
  /** the predicted class from the column outputs and the labels (−1: none) */
  readonly predicted: number;
}

export interface LiveError {
  readonly kind: 'error';
  /** what happened and what to do, for a person */
  readonly message: string;
  /** whether the simulation is gone (true) or only the request failed (false) */
  readonly fatal: boolean;
}

export type LiveMessage = LiveHello | LiveFrame | LiveAnalysis | LiveError;

const DTYPES = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  u32: Uint32Array,
  u16: Uint16Array,
  u8: Uint8Array,
  i8: Int8Array,
} as const;
type Dtype = keyof typeof DTYPES;

/** The stream's type of a typed array (the model file's names), or null for anything else. */
function dtypeOf(a: unknown): Dtype | null {
  const d = modelDtypeOf(a);
  return d !== undefined && d in DTYPES ? (d as Dtype) : null;
}

const align8 = (n: number): number => (n + 7) & ~7;

/** Encodes a message into one buffer (arrays copied once; JSON for the rest). */
export function encodeLive(message: LiveMessage): Uint8Array {
  const arrays: LiveArray[] = [];
  const header = JSON.stringify(message, (_key, value: unknown) => {
    const dtype = dtypeOf(value);
    if (dtype !== null) {
      arrays.push(value as LiveArray);
      return { $array: arrays.length - 1, dtype, length: (value as LiveArray).length };
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return null;
    return value;
  });
  const head = new TextEncoder().encode(header);
  let size = align8(12 + head.length);
  // no padding after the last array: a message cut short by any byte is detected
  const offsets = arrays.map((a, k) => {
    const at = size;
    size = k === arrays.length - 1 ? size + a.byteLength : align8(size + a.byteLength);
    return at;
  });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, LIVE_FORMAT, true);
  view.setUint32(8, head.length, true);
  out.set(head, 12);
  arrays.forEach((a, k) => out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offsets[k]));
  return out;
}

/** Thrown for bytes that are not a live message this version reads. */
export class LiveFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveFormatError';
  }
}

const KINDS = new Set(['hello', 'frame', 'analysis', 'error']);

/**
 * Decodes one message. Arrays are views into `bytes` (no copy) when aligned, which they are when
 * `bytes` starts at an 8-byte boundary, as ArrayBuffers and WebSocket messages do.
 */
export function decodeLive(bytes: ArrayBuffer | Uint8Array): LiveMessage {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.length < 12) throw new LiveFormatError(`live message of ${u8.length} bytes is too short to be one (at least 12).`);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new LiveFormatError('not a memspike live message (no MSLV mark); is the other side a memspike viewer stream?');
  const format = view.getUint32(4, true);
  if (format !== LIVE_FORMAT) throw new LiveFormatError(`live stream format ${format}; this viewer reads format ${LIVE_FORMAT} — use the viewer of the same memspike version as the sender.`);
  const headLength = view.getUint32(8, true);
  if (12 + headLength > u8.length) throw new LiveFormatError(`live message header of ${headLength} bytes runs past the end (${u8.length} bytes): truncated.`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(u8.subarray(12, 12 + headLength)));
  } catch (e) {
    throw new LiveFormatError(`live message header is not JSON (${(e as Error).message}).`);
  }
  let next = align8(12 + headLength);
  let expected = 0;
  const revive = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(revive);
    if (value === null || typeof value !== 'object') return value;
    const o = value as Record<string, unknown>;
    if ('$array' in o) {
      const dtype = o['dtype'];
      const length = o['length'];
      if (o['$array'] !== expected) throw new LiveFormatError(`live message array ${String(o['$array'])} is out of order (expected ${expected}).`);
      if (typeof dtype !== 'string' || !(dtype in DTYPES)) throw new LiveFormatError(`live message array ${expected} has unknown type ${JSON.stringify(dtype)}.`);
      if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) throw new LiveFormatError(`live message array ${expected} has a bad length ${JSON.stringify(length)}.`);
      const Ctor = DTYPES[dtype as Dtype];
      const byteLength = length * Ctor.BYTES_PER_ELEMENT;
      if (next + byteLength > u8.length) throw new LiveFormatError(`live message array ${expected} (${length} × ${dtype}) runs past the end: truncated.`);
      const at = u8.byteOffset + next;
      const array = at % Ctor.BYTES_PER_ELEMENT === 0 ? new Ctor(u8.buffer as ArrayBuffer, at, length) : new Ctor(u8.slice(next, next + byteLength).buffer);
      next = align8(next + byteLength);
      expected++;
      return array;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = revive(v);
    return out;
  };
  const message = revive(header) as { kind?: unknown };
  if (message === null || typeof message !== 'object' || !KINDS.has(message.kind as string)) {
    throw new LiveFormatError(`live message of unknown kind ${JSON.stringify((message as { kind?: unknown } | null)?.kind)}.`);
  }
  if (message.kind === 'frame') checkFrame(message as LiveFrame);
  return message as LiveMessage;
}

/** Structural checks a viewer relies on (parallel arrays of equal length, whole step numbers). */
function checkFrame(f: LiveFrame): void {
  const bad = (what: string): never => {
    throw new LiveFormatError(`live frame ${String(f.seq)}: ${what}.`);
  };
  if (!Number.isSafeInteger(f.stepFrom) || !Number.isSafeInteger(f.stepTo) || f.stepTo < f.stepFrom) bad(`steps [${String(f.stepFrom)}, ${String(f.stepTo)}) are not a range`);
  if (!Array.isArray(f.spikes)) bad('spikes is not a list');
  f.spikes.forEach((s, p) => {
    if (!(s.steps instanceof Int32Array) || !(s.indices instanceof Int32Array) || s.steps.length !== s.indices.length) bad(`spikes of population ${p} are not two Int32Arrays of one length`);
  });
  if (f.probe !== null && (!(f.probe.v instanceof Float32Array) || !(f.probe.threshold instanceof Float32Array) || f.probe.v.length !== f.probe.threshold.length)) bad('probe v and threshold differ in length');
}

/** The buffer to transfer when posting an encoded message (the whole backing buffer when it is exactly the message). */
export function transferable(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}
