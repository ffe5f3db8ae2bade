/**
 * core/wasm.ts: fixed memories and the weight memories of the synapse stores.
 */
import { describe, expect, it } from 'vitest';
import { fixedMemory, memoryOf, weightArrays, WEIGHT_MEMORY_MIN_SIZE, WEIGHT_WORK_BYTES } from '../../core/wasm.js';

describe('weight memories', () => {
  it('put a large store’s arrays in one fixed memory after the work area, 16-byte aligned and zeroed', () => {
    const size = WEIGHT_MEMORY_MIN_SIZE + 3;
    const [w, r] = weightArrays(size, 2);
    const memory = memoryOf(w);
    expect(memory).not.toBeNull();
    expect(memoryOf(r)).toBe(memory);
    expect(w.length).toBe(size);
    expect(r.length).toBe(size);
    expect(w.byteOffset).toBe(WEIGHT_WORK_BYTES);
    expect(r.byteOffset % 16).toBe(0);
    expect(r.byteOffset).toBeGreaterThanOrEqual(w.byteOffset + w.byteLength); // no overlap
    expect(w.every((x) => x === 0) && r.every((x) => x === 0)).toBe(true);
    w.fill(1);
    expect(r.every((x) => x === 0)).toBe(true);
  });

  it('give small stores plain arrays (no memory spent on them)', () => {
    const [w] = weightArrays(WEIGHT_MEMORY_MIN_SIZE - 1, 1);
    expect(memoryOf(w)).toBeNull();
    expect(w.byteOffset).toBe(0);
    expect(w.buffer.byteLength).toBe(4 * (WEIGHT_MEMORY_MIN_SIZE - 1));
  });

  it('memoryOf knows only fixed memories', () => {
    const m = fixedMemory(100);
    expect(m).not.toBeNull();
    expect(memoryOf(new Float32Array(m!.buffer, 16, 4))).toBe(m);
    expect(memoryOf(new Float32Array(8))).toBeNull();
    expect(fixedMemory(0x80000000)).toBeNull(); // more than one 32-bit memory holds
  });
});
