import { describe, expect, it } from 'vitest';
import { irDropEffective, solveWireNetwork, IR_DROP_APPROX_MAX_REL_ERR, type WireSolveInfo } from '../../../core/crossbar/irdrop.js';
import { RandomStream } from '../../../core/random.js';

function randomG(nR: number, nC: number, lo: number, hi: number, seed: string): Float64Array {
  const rs = new RandomStream(seed);
  const g = new Float64Array(nR * nC);
  for (let t = 0; t < g.length; t++) g[t] = lo + (hi - lo) * rs.uniform();
  return g;
}

/** Max |approx − exact| / max|exact| over differential outputs, and the same for no correction. */
function errors(nR: number, nLogical: number, lo: number, hi: number, ohm: number, seed: string): { approx: number; uncorrected: number } {
  const nC = 2 * nLogical;
  const g = randomG(nR, nC, lo, hi, seed);
  const ge = new Float64Array(nR * nC);
  irDropEffective(ge, g, nR, nC, ohm, ohm);
  const rs = new RandomStream(`${seed}/v`);
  let approx = 0, uncorrected = 0;
  for (let trial = 0; trial < 3; trial++) {
    const v = new Float64Array(nR);
    for (let i = 0; i < nR; i++) v[i] = trial === 0 ? 100 : 200 * rs.uniform() - 100;
    const ex = solveWireNetwork(new Float64Array(nC), g, v, nR, nC, ohm, ohm);
    const ap = new Float64Array(nC), id = new Float64Array(nC);
    for (let i = 0; i < nR; i++) for (let k = 0; k < nC; k++) { ap[k] += v[i] * ge[i * nC + k]; id[k] += v[i] * g[i * nC + k]; }
    let m = 0;
    for (let j = 0; j < nLogical; j++) m = Math.max(m, Math.abs(ex[2 * j] - ex[2 * j + 1]), Math.abs(ex[2 * j]));
    for (let k = 0; k < nC; k++) {
      approx = Math.max(approx, Math.abs(ap[k] - ex[k]) / m);
      uncorrected = Math.max(uncorrected, Math.abs(id[k] - ex[k]) / m);
    }
  }
  return { approx, uncorrected };
}

describe('solveWireNetwork', () => {
  it('a single cell is the series circuit V / (R_row + 1/g + R_col)', () => {
    const g = new Float64Array([500]); // µS
    const out = solveWireNetwork(new Float64Array(1), g, new Float64Array([100]), 1, 1, 3, 7);
    const expected = 100 / (3e-6 + 1 / 500 + 7e-6); // mV / (1/µS) = nA
    expect(out[0]).toBeCloseTo(expected, 9);
  });

  it('ideal wires give I_k = Σ_i V_i g_ik', () => {
    const g = randomG(5, 4, 1, 100, 'ideal');
    const v = new Float64Array([10, -20, 30, 0, 5]);
    const out = solveWireNetwork(new Float64Array(4), g, v, 5, 4, 0, 0);
    for (let k = 0; k < 4; k++) {
      let s = 0;
      for (let i = 0; i < 5; i++) s += v[i] * g[i * 4 + k];
      expect(out[k]).toBeCloseTo(s, 9);
    }
  });

  it('one ideal wire family: the direct line solves agree with the full PCG in the limit', () => {
    const g = randomG(8, 6, 100, 1000, 'limit');
    const v = new Float64Array([100, 50, -30, 20, 0, 80, -10, 60]);
    const a = solveWireNetwork(new Float64Array(6), g, v, 8, 6, 0, 1);
    const b = solveWireNetwork(new Float64Array(6), g, v, 8, 6, 1e-9, 1);
    for (let k = 0; k < 6; k++) expect(b[k]).toBeCloseTo(a[k], 3);
  });

  it('is linear in the inputs and converges to a tiny residual', () => {
    const nR = 16, nC = 32;
    const g = randomG(nR, nC, 100, 1300, 'lin');
    const v1 = new Float64Array(nR).fill(0), v2 = new Float64Array(nR).fill(0), v3 = new Float64Array(nR);
    v1[3] = 100; v2[12] = -40;
    for (let i = 0; i < nR; i++) v3[i] = v1[i] + v2[i];
    const info: WireSolveInfo = { iterations: 0, relResidual: 0 };
    const a = solveWireNetwork(new Float64Array(nC), g, v1, nR, nC, 1, 1);
    const b = solveWireNetwork(new Float64Array(nC), g, v2, nR, nC, 1, 1);
    const c = solveWireNetwork(new Float64Array(nC), g, v3, nR, nC, 1, 1, info);
    expect(info.relResidual).toBeLessThan(1e-12);
    for (let k = 0; k < nC; k++) expect(c[k]).toBeCloseTo(a[k] + b[k], 6);
  });
});

describe('irDropEffective (fast approximation) against the exact solve', () => {
  // Arrays up to 64 × 64 differential cells (64 × 128 physical columns).
  const cases: Array<[string, number, number, number, number, number]> = [
    ['64×64, 1–25 µS, 0.35 Ω', 64, 64, 1, 25, 0.35],
    ['64×64, 1–25 µS, 1 Ω', 64, 64, 1, 25, 1],
    ['64×64, 1–25 µS, 2 Ω', 64, 64, 1, 25, 2],
    ['64×64, 5–100 µS, 0.35 Ω', 64, 64, 5, 100, 0.35],
    ['64×64, 5–100 µS, 1 Ω', 64, 64, 5, 100, 1],
    ['64×64, hfs2 window 2.6–3.8 mS, preset wire 4.6e-4 Ω', 64, 64, 2600, 3812, 4.59e-4],
    ['64×64, hfs2 window, 0.01 Ω', 64, 64, 2600, 3812, 0.01],
    ['32×32, 0.1–1.3 mS, 0.35 Ω', 32, 32, 100, 1300, 0.35],
    ['16×16, 0.1–1.3 mS, 0.35 Ω', 16, 16, 100, 1300, 0.35],
    ['8×8, 1–25 µS, 5 Ω', 8, 8, 1, 25, 5],
  ];
  it.each(cases)('%s: error ≤ IR_DROP_APPROX_MAX_REL_ERR where the drop is ≤ 25 %, and ≤ 7 % of the drop', (_name, nR, nL, lo, hi, ohm) => {
    const { approx, uncorrected } = errors(nR, nL, lo, hi, ohm, `${nR}/${lo}/${ohm}`);
    expect(uncorrected).toBeGreaterThan(0);
    expect(approx).toBeLessThanOrEqual(0.07 * uncorrected);
    if (uncorrected <= 0.25) expect(approx).toBeLessThanOrEqual(IR_DROP_APPROX_MAX_REL_ERR);
  });

  it('reduces to the device conductances when both wires are ideal', () => {
    const g = randomG(4, 6, 1, 100, 'zero');
    const ge = irDropEffective(new Float64Array(24), g, 4, 6, 0, 0);
    for (let t = 0; t < 24; t++) expect(ge[t]).toBe(g[t]);
  });
});
