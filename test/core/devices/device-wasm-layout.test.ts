/**
 * The WebAssembly device kernel's header layout: one table (core/devices/device-wasm-layout.ts) that
 * the loader writes through and scripts/device-kernels.wat is generated from.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDeviceWasm, type DeviceWasmConstants } from '../../../core/devices/device-wasm.js';
import { DEVICE_WASM_LAYOUT, DEVICE_WASM_SLOTS, placeSlots } from '../../../core/devices/device-wasm-layout.js';

const SIZE = { f64: 8, i64: 8, i32: 4, u32: 4, f64x2: 16 } as const;

describe('device WebAssembly header layout', () => {
  it('places every slot aligned, in order, without overlap, inside the header', () => {
    const { slots, header } = DEVICE_WASM_LAYOUT;
    expect(slots.length).toBe(DEVICE_WASM_SLOTS.length);
    let end = 0;
    for (const s of slots) {
      expect(s.at % SIZE[s.type], s.name).toBe(0);
      expect(s.at, s.name).toBeGreaterThanOrEqual(end);
      end = s.at + s.bytes;
    }
    expect(end).toBeLessThanOrEqual(header);
    expect(header % 64).toBe(0);
    expect(() => placeSlots([{ name: 'a', type: 'f64', doc: '' }, { name: 'a', type: 'i32', doc: '' }])).toThrow(/twice/);
  });

  it('round-trips: what the loader writes is found at the table\'s offsets', () => {
    const c: DeviceWasmConstants = {
      gMin: 1.5, gMax: 99.25, wB: 0.0123, kUp: 3e-5, kDn: 4e-5, c2c: 0.7, invEndurance: 1e-6, t0: 1000,
      eUp: 1.25e-3, eDown: 2.5e-3, nuMean: 0.05, nuStd: 0.02, quantLevels: 33, limit: 1e6,
      finiteEndurance: true, stuckMode: 2, drifting: true, driftPcm: false,
    };
    const w = createDeviceWasm(100, c)!;
    expect(w).not.toBeNull();
    const buf = w.h64.buffer;
    const at = DEVICE_WASM_LAYOUT.at;
    const f64 = (slot: string): number => new Float64Array(buf, at[slot]!, 1)[0]!;
    const i32 = (slot: string): number => new Int32Array(buf, at[slot]!, 1)[0]!;
    expect([f64('gMin'), f64('gMax'), f64('wB'), f64('kUp'), f64('kDown'), f64('c2c'), f64('invE'), f64('t0')]).toEqual([1.5, 99.25, 0.0123, 3e-5, 4e-5, 0.7, 1e-6, 1000]);
    expect([f64('eUp'), f64('eDown'), f64('nuMean'), f64('nuStd'), f64('quant'), f64('plusOne'), f64('minusOne')]).toEqual([1.25e-3, 2.5e-3, 0.05, 0.02, 33, 1, -1]);
    expect(new DataView(buf).getBigUint64(at['limit']!, true)).toBe(1000000n);
    expect([i32('finiteE'), i32('stuck'), i32('drifting'), i32('driftPcm'), i32('c2cOn'), i32('quantOn')]).toEqual([1, 2, 1, 0, 1, 1]);
    // the array offsets in the header are those of the state views
    expect(i32('g')).toBe(w.g.byteOffset);
    expect(i32('pc')).toBe(w.pulseCount.byteOffset);
    expect(i32('tp')).toBe(w.tProg.byteOffset);
    expect(i32('dz')).toBe(w.driftZ.byteOffset);
    expect(i32('idx')).toBe(w.idxBuf.byteOffset);
    expect(i32('counts')).toBe(w.countsBuf.byteOffset);
    expect(w.g.byteOffset).toBeGreaterThanOrEqual(DEVICE_WASM_LAYOUT.header);
    expect(w.stream.byteOffset).toBe(at['state']);
    // the pair rows: row upA + 2·upB
    const pairE = new Float64Array(buf, at['pairE']!, 8);
    expect(Array.from(pairE)).toEqual([2.5e-3, 2.5e-3, 1.25e-3, 2.5e-3, 2.5e-3, 1.25e-3, 1.25e-3, 1.25e-3]);
  });

  it('the generated .wat names the same offsets as the table (scripts/device-kernels.wat)', () => {
    const wat = readFileSync(new URL('../../../scripts/device-kernels.wat', import.meta.url), 'utf8');
    const rows = [...wat.matchAll(/^;;\s{5}(\d+)(?:–\d+)?\s+\S+\s+(\w+)\s/gm)].map((m) => [m[2], Number(m[1])]);
    expect(Object.fromEntries(rows)).toEqual(DEVICE_WASM_LAYOUT.at);
    expect(wat).not.toMatch(/offset=@/);
  });
});
