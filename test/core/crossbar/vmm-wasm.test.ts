import { describe, expect, it } from 'vitest';
import { createCrossbar, IO_HFS2_PAPER, IO_IDEAL, type IoParams } from '../../../core/crossbar/index.js';
import { createVmmWasm, VMM_WASM_MIN_CELLS, vmmWasmAvailable } from '../../../core/crossbar/vmm-wasm.js';
import { deviceParams } from '../../../core/devices/params.js';
import { devicePreset } from '../../../core/devices/presets.js';
import { RandomStream } from '../../../core/random.js';

/**
 * The WebAssembly SIMD column sums against the JavaScript loops: two crossbars built from the same
 * seed, one per kernel, programmed, aged and read alike, must give the same outputs bit for bit
 * (and the same energy) — on widths that exercise the 8-, 2- and 1-column paths, sparse and dense
 * inputs, with and without per-device read noise, single and differential cells, several tilings.
 */
describe('crossbar vmm: WebAssembly SIMD column sums', () => {
  it('is available on Node 20 (SIMD is standard there)', () => {
    expect(vmmWasmAvailable()).toBe(true);
  });

  const noisyHfs2 = deviceParams(devicePreset('hfs2'), { readNoise: { abs: 0, rel: 0.01 } });
  const cases: { name: string; rows: number; cols: number; device: string | ReturnType<typeof deviceParams>; io: IoParams; cell?: 'single' | 'differential'; tile?: number }[] = [
    { name: '784 × 400 hfs2, paper IO', rows: 784, cols: 400, device: 'hfs2', io: IO_HFS2_PAPER },
    { name: '784 × 400 hfs2 + 1 % read noise', rows: 784, cols: 400, device: noisyHfs2, io: IO_HFS2_PAPER },
    { name: '300 × 77 (8-, 2- and 1-column paths), read noise, 64-row tiles', rows: 300, cols: 77, device: noisyHfs2, io: IO_HFS2_PAPER, tile: 64 },
    { name: '65 × 131 single cells, read noise', rows: 65, cols: 131, device: noisyHfs2, io: IO_HFS2_PAPER, cell: 'single' },
    { name: '100 × 42 ideal device and IO', rows: 100, cols: 42, device: 'ideal', io: IO_IDEAL },
  ];
  for (const c of cases) {
    it(`${c.name}: same outputs and energy as the JavaScript loops, bit for bit`, () => {
      const rs = new RandomStream(`vmm-wasm/${c.name}`);
      // single cells store w ≥ 0 only
      const w = Float32Array.from({ length: c.rows * c.cols }, () => (c.cell === 'single' ? rs.uniform() : 2 * rs.uniform() - 1));
      const build = (wasm: boolean) => {
        const xb = createCrossbar({ rows: c.rows, cols: c.cols, device: c.device, io: c.io, cell: c.cell, tileRows: c.tile, tileCols: c.tile, seed: 5, wasm });
        xb.program(w, { mode: 'open-loop' });
        xb.setAge(3_600_000);
        return xb;
      };
      const js = build(false);
      const simd = build(true);
      expect(js.wasmKernel).toBe(false);
      expect(simd.wasmKernel).toBe(true);
      const a = new Float64Array(c.cols);
      const b = new Float64Array(c.cols);
      let compared = 0;
      const seen = new Set<number>();
      for (let k = 0; k < 24; k++) {
        const zeros = k % 3 === 0 ? 0 : 0.8; // dense and rate-coded-like inputs
        const x = Float64Array.from({ length: c.rows }, () => (rs.uniform() < zeros ? 0 : 2 * rs.uniform() - 1));
        js.vmm(a, x);
        simd.vmm(b, x);
        for (let j = 0; j < c.cols; j++) expect(Object.is(a[j], b[j]), `vmm ${k}, column ${j}: ${a[j]} vs ${b[j]}`).toBe(true);
        expect(simd.lastEnergy_nJ).toBe(js.lastEnergy_nJ);
        compared += c.cols;
        for (const y of a) seen.add(y);
      }
      expect(compared).toBe(24 * c.cols);
      // the outputs are not trivially equal: they vary with the input and the column
      expect(seen.size).toBeGreaterThan(c.cols);
    });
  }

  it('is used by default from VMM_WASM_MIN_CELLS cells on, and the JavaScript loops below', () => {
    const side = Math.ceil(Math.sqrt(VMM_WASM_MIN_CELLS));
    expect(createCrossbar({ rows: side, cols: side, device: 'ideal', io: IO_IDEAL }).wasmKernel).toBe(true);
    expect(createCrossbar({ rows: 8, cols: 8, device: 'ideal', io: IO_IDEAL }).wasmKernel).toBe(false);
  });

  it('lays its arrays out without overlap', () => {
    const k = createVmmWasm(33, 17)!;
    const spans = [k.w, k.s2, k.acc, k.var, k.listRows, k.listInputs].map((a) => [a.byteOffset, a.byteOffset + a.byteLength] as const);
    spans.sort((p, q) => p[0] - q[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    expect(spans[spans.length - 1][1]).toBeLessThanOrEqual(k.bytes);
    expect(k.acc.byteOffset % 8).toBe(0);
    expect(k.listInputs.byteOffset % 8).toBe(0);
  });

  it('rejects a wasm option that is not a boolean', () => {
    expect(() => createCrossbar({ rows: 4, cols: 4, device: 'ideal', wasm: 'yes' as unknown as boolean })).toThrow(/wasm = 'yes' is not a boolean; pass true, false or leave it out/);
  });
});
