/**
 * The header of the WebAssembly device kernel's memory: the one table both sides are generated
 * from. scripts/build-wasm.mjs writes scripts/device-kernels.wat from scripts/device-kernels.wat.in
 * (where the kernel names a slot as `offset=@name`, `offset=@name+8`) and its layout comment from
 * this table; core/devices/device-wasm.ts writes the slots through the same table. Moving, adding
 * or resizing a slot is an edit here and a rerun of the script.
 *
 * This module imports nothing (the build script loads it on its own).
 */

/** Element type of a slot: `f64x2` is a row of two doubles (one per lane of the pair path). */
export type LayoutType = 'f64' | 'i64' | 'i32' | 'u32' | 'f64x2';

export interface LayoutSlot {
  readonly name: string;
  readonly type: LayoutType;
  /** Number of elements (default 1). */
  readonly count?: number;
  /** Alignment of the slot's first byte (default: the element size). */
  readonly align?: number;
  readonly doc: string;
}

/** The slots in memory order; each starts at the first multiple of its alignment after the one before. */
export const DEVICE_WASM_SLOTS: readonly LayoutSlot[] = [
  { name: 'gMin', type: 'f64', doc: 'gMin [µS]' },
  { name: 'gMax', type: 'f64', doc: 'gMax [µS]' },
  { name: 'wB', type: 'f64', doc: 'W / BOUND_SCALE' },
  { name: 'kUp', type: 'f64', doc: '1/Pmax · efficacy(SET) / FACTOR_ONE (kDown follows: selected by address)' },
  { name: 'kDown', type: 'f64', doc: '1/Pmax · efficacy(RESET) / FACTOR_ONE' },
  { name: 'c2c', type: 'f64', doc: 'σ_c2c [µS]' },
  { name: 'invE', type: 'f64', doc: '1 / endurance (0 when unlimited)' },
  { name: 't0', type: 'f64', doc: 'drift t0 [ms]' },
  { name: 'eUp', type: 'f64', doc: 'energy per SET pulse per µS [nJ/µS] (eDown follows: selected by address)' },
  { name: 'eDown', type: 'f64', doc: 'energy per RESET pulse per µS [nJ/µS]' },
  { name: 'nuMean', type: 'f64', doc: 'drift ν mean' },
  { name: 'nuStd', type: 'f64', doc: 'drift ν σ' },
  { name: 'quant', type: 'f64', doc: 'levels (0 = continuous)' },
  { name: 'energy', type: 'f64', doc: 'energy accumulator [nJ] (in/out: a call may be split into chunks)' },
  { name: 'state', type: 'f64', count: 4, doc: 'the Alea state s0, s1, s2, s3 of the c2c stream (in/out)' },
  { name: 'limit', type: 'i64', doc: 'the wear-out pulse count' },
  { name: 'finiteE', type: 'i32', doc: 'finite endurance (0/1)' },
  { name: 'stuck', type: 'i32', doc: 'stuck mode (0 gMin, 1 gMax, 2 last)' },
  { name: 'drifting', type: 'i32', doc: 'drift on (0/1)' },
  { name: 'driftPcm', type: 'i32', doc: "'pcm' drift law (0/1)" },
  { name: 'c2cOn', type: 'i32', doc: 'c2c noise on (0/1)' },
  { name: 'quantOn', type: 'i32', doc: 'levels on (0/1)' },
  { name: 'g', type: 'i32', doc: 'byte offset of g (Float32)' },
  { name: 'pc', type: 'i32', doc: 'byte offset of pulseCount (Uint32)' },
  { name: 'tp', type: 'i32', doc: 'byte offset of tProg (Float32)' },
  { name: 'su', type: 'i32', doc: 'byte offset of stepUp (Uint16)' },
  { name: 'sd', type: 'i32', doc: 'byte offset of stepDown (Uint16)' },
  { name: 'bl', type: 'i32', doc: 'byte offset of boundLo (Int16)' },
  { name: 'bh', type: 'i32', doc: 'byte offset of boundHi (Int16)' },
  { name: 'dz', type: 'i32', doc: 'byte offset of driftZ (Int16)' },
  { name: 'idx', type: 'i32', doc: 'byte offset of the chunk buffer idx (Int32)' },
  { name: 'counts', type: 'i32', doc: 'byte offset of the chunk buffer counts (Int32)' },
  { name: 'plusOne', type: 'f64', doc: '+1 (the sign of a step, selected by address; −1 follows)' },
  { name: 'minusOne', type: 'f64', doc: '−1' },
  { name: 'kn', type: 'u32', count: 128, align: 256, doc: 'the ziggurat table KN (core/devices/normal.ts)' },
  { name: 'wn', type: 'f64', count: 128, doc: 'the ziggurat table WN (core/devices/normal.ts)' },
  { name: 'pairG', type: 'f64', count: 2, doc: 'scratch of the pair path: the two conductances' },
  { name: 'pairZ', type: 'f64', count: 2, doc: 'scratch of the pair path: the two c2c normals' },
  { name: 'lnCj', type: 'f64', count: 128, align: 1024, doc: 'drift-math.ts c_j' },
  { name: 'lnInvC', type: 'f64', count: 128, doc: 'drift-math.ts 1/c_j' },
  { name: 'lnC', type: 'f64', count: 128, doc: 'drift-math.ts ln c_j' },
  { name: 'exp2J', type: 'f64', count: 128, doc: 'drift-math.ts 2^(j/128)' },
  { name: 'ln2', type: 'f64', doc: 'ln 2' },
  { name: 'ln2NHi', type: 'f64', doc: 'ln2/128, high part' },
  { name: 'ln2NLo', type: 'f64', doc: 'ln2/128, low part' },
  { name: 'invLn2N', type: 'f64', doc: '128/ln 2' },
  { name: 'shift', type: 'f64', doc: '1.5·2⁵² (round to nearest by addition)' },
  { name: 'pairE', type: 'f64x2', count: 4, align: 64, doc: 'pair path, row upA + 2·upB: (eUp | eDown of a, of b)' },
  { name: 'pairK', type: 'f64x2', count: 4, doc: 'pair path: (kUp | kDown of a, of b)' },
  { name: 'pairSign', type: 'f64x2', count: 4, doc: 'pair path: (+1 | −1 of a, of b)' },
];

const SIZE: Readonly<Record<LayoutType, number>> = { f64: 8, i64: 8, i32: 4, u32: 4, f64x2: 16 };

/** A slot with its byte offset and size. */
export interface PlacedSlot extends LayoutSlot {
  readonly at: number;
  readonly bytes: number;
}

/** Places the slots (in order, each at the first multiple of its alignment) and the header's size (a multiple of 64). */
export function placeSlots(slots: readonly LayoutSlot[]): { readonly slots: readonly PlacedSlot[]; readonly header: number; readonly at: Readonly<Record<string, number>> } {
  const placed: PlacedSlot[] = [];
  const at: Record<string, number> = {};
  let end = 0;
  for (const s of slots) {
    const size = SIZE[s.type];
    const align = s.align ?? size;
    const start = Math.ceil(end / align) * align;
    const bytes = size * (s.count ?? 1);
    if (s.name in at) throw new Error(`device wasm layout: slot ${s.name} twice`);
    placed.push({ ...s, at: start, bytes });
    at[s.name] = start;
    end = start + bytes;
  }
  return { slots: placed, header: Math.ceil(end / 64) * 64, at };
}

/** The placed header: byte offset of every slot (`DEVICE_WASM_LAYOUT.at.gMin`), the slots, the header's bytes. */
export const DEVICE_WASM_LAYOUT = placeSlots(DEVICE_WASM_SLOTS);
