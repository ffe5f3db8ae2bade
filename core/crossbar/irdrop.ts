/**
 * IR drop on the wires of a passive crossbar tile: an exact nodal solve and a fast, precomputed
 * linear approximation.
 *
 * Geometry of one physical tile (nR rows × nC physical columns; a differential pair occupies two
 * neighbouring columns, G+ at 2j and G− at 2j + 1):
 *
 *   - row i is driven at its left end by an ideal voltage source V_i (the DAC), through one wire
 *     segment of conductance gR = 1/R_row to the first cell node r_i0, then segments r_ik — r_i,k+1;
 *   - column k is read at its bottom end (row nR − 1, nearest the ADC) by a virtual ground (0 V)
 *     through one segment gC = 1/R_col; segments c_ik — c_i+1,k between rows;
 *   - cell (i, k) is the device conductance g_ik between r_ik and c_ik.
 *
 * Row 0 is therefore farthest from the outputs, column 0 nearest the drivers (as aihwkit's
 * IOParameters.ir_drop assumes: "the first input is farthest away from the output channel").
 * Kirchhoff's current law at every node gives the symmetric positive-definite system
 *
 *   row node:    (gR·(1 + [k < nC−1]) + g_ik)·r_ik − gR·r_i,k−1 − gR·r_i,k+1 − g_ik·c_ik = gR·V_i·[k = 0]
 *   column node: (gC·(1 + [i > 0]) + g_ik)·c_ik − gC·c_i−1,k − gC·c_i+1,k − g_ik·r_ik = 0
 *
 * and the column current is I_k = gC·c_nR−1,k. Units: conductance µS, voltage mV, current nA
 * (µS·mV = nA); wire resistance Ω, converted here with g = 10⁶/R µS.
 *
 * Exact solve ({@link solveWireNetwork}): preconditioned conjugate gradients on that system; the
 * preconditioner is the block-diagonal of the matrix with the cell couplings ±g_ik dropped from the
 * off-diagonal — one tridiagonal (Thomas) solve per row wire and per column wire. Iterates to a
 * relative residual of 1e-13 (float64), so its answer is the wire network's to ~12 digits.
 *
 * Fast approximation ({@link irDropEffective}): the network is linear in V, so the column currents
 * are exactly I_k = Σ_i V_i·Ĝ_ik for an input-independent effective conductance matrix Ĝ. We
 * approximate Ĝ by decoupling the two wire families (two ladder solves per cell, O(nR·nC) once per
 * programmed/drifted state, zero cost per vmm):
 *
 *   a_ik  = r_ik / V_i of row i's ladder with its column nodes held at 0 V (one Thomas solve per row;
 *           the cell conductance g_ik is first reduced to g_ik·(1 − d_ik·g_ik), d_ik = (L_k⁻¹)_ii the
 *           column wire's driving-point resistance at row i, so the row sees the column's rise);
 *   ψ_ik  = voltage at column node i for a unit current drawn at the column's output, i.e. the
 *           column ladder's transfer from a source behind g_ik to I_k (reciprocity: one Thomas solve
 *           per column gives all ψ_ik);
 *   Ĝ_ik  ≈ g_ik · a_ik · ψ_ik.
 *
 * Leakage back into the other (un-driven, 0 V) rows is reduced by their own row rise: a cell's
 * shunt in the column ladder is g_ik·(1 − s_ik), s_ik = r_ik/c of row i's ladder when all its column
 * nodes sit at one voltage c (one Thomas solve per row).
 *
 * What it neglects: the non-uniformity of that row rise across columns and the coupling beyond a
 * cell's own column node, second order in R·g. Its error against the exact solve: see
 * {@link IR_DROP_APPROX_MAX_REL_ERR}.
 *
 * References: the nodal model is the standard passive-array network (e.g. NeuroSim's and
 * MemTorch's line-resistance models); wire segment 0.35 Ω is aihwkit's IOParameters.ir_drop_g_ratio
 * default ("0.35 Ohm wire resistance").
 */

/**
 * Bound on the error of {@link irDropEffective} against {@link solveWireNetwork}: max over columns of
 * |I_approx − I_exact| / max_k |I_exact,k| (error relative to the full-scale column current), for
 * arrays up to 64 × 64 differential cells (64 × 128 physical columns) whose uncorrected IR-drop
 * error is ≤ 25 % of full scale. Beyond that the approximation still removes ≥ 93 % of the drop:
 * residual ≤ 0.07 × the uncorrected error (asserted on every tested case).
 *
 * The bound is asserted over random conductances and inputs in test/core/crossbar/irdrop.test.ts;
 * `memspike bench vmm` reports the error at the hfs2 preset and at a stress setting. The errors
 * recorded per wire resistance and conductance range are in docs/code-history.md.
 */
export const IR_DROP_APPROX_MAX_REL_ERR = 0.01;

/** Wire conductance [µS] of a segment of resistance `ohm` [Ω]; Infinity for a zero-resistance wire. */
export function wireConductance(ohm: number): number {
  return ohm > 0 ? 1e6 / ohm : Infinity;
}

/** Result of an exact solve: iterations used and the final relative residual. */
export interface WireSolveInfo {
  iterations: number;
  relResidual: number;
}

/**
 * Exact nodal solve of the tile's wire network for one input vector.
 *
 * @param out    column currents [nA], length nC (written and returned)
 * @param g      cell conductances [µS], row-major nR × nC
 * @param v      row drive voltages [mV], length nR
 * @param rRow   row wire resistance per segment [Ω] (0 = ideal wire)
 * @param rCol   column wire resistance per segment [Ω] (0 = ideal wire)
 * @param info   optional: receives iterations and residual
 */
export function solveWireNetwork(
  out: Float64Array, g: ArrayLike<number>, v: ArrayLike<number>, nR: number, nC: number,
  rRow: number, rCol: number, info?: WireSolveInfo,
): Float64Array {
  const gR = wireConductance(rRow);
  const gC = wireConductance(rCol);
  const n = nR * nC;
  if (info) { info.iterations = 0; info.relResidual = 0; }
  // Ideal wires on both sides: I_k = Σ_i V_i g_ik.
  if (gR === Infinity && gC === Infinity) {
    out.fill(0);
    for (let i = 0; i < nR; i++) for (let k = 0; k < nC; k++) out[k] += v[i] * g[i * nC + k];
    return out;
  }
  // Ideal row wires: row nodes = V_i; each column is an independent tridiagonal system.
  if (gR === Infinity) {
    const diag = new Float64Array(nR), rhs = new Float64Array(nR), x = new Float64Array(nR), cp = new Float64Array(nR);
    for (let k = 0; k < nC; k++) {
      for (let i = 0; i < nR; i++) {
        const gik = g[i * nC + k];
        diag[i] = gC * (i > 0 ? 2 : 1) + gik;
        rhs[i] = gik * v[i];
      }
      thomasConst(x, diag, -gC, rhs, nR, cp);
      out[k] = gC * x[nR - 1];
    }
    return out;
  }
  // Ideal column wires: column nodes = 0; each row is an independent tridiagonal system.
  if (gC === Infinity) {
    const diag = new Float64Array(nC), rhs = new Float64Array(nC), x = new Float64Array(nC), cp = new Float64Array(nC);
    out.fill(0);
    for (let i = 0; i < nR; i++) {
      for (let k = 0; k < nC; k++) { diag[k] = gR * (k < nC - 1 ? 2 : 1) + g[i * nC + k]; rhs[k] = 0; }
      rhs[0] = gR * v[i];
      thomasConst(x, diag, -gR, rhs, nC, cp);
      for (let k = 0; k < nC; k++) out[k] += g[i * nC + k] * x[k];
    }
    return out;
  }
  // General case: PCG on u = [r (n), c (n)] with the line-block preconditioner.
  const rowDiag = new Float64Array(n), colDiag = new Float64Array(n);
  for (let i = 0; i < nR; i++) {
    for (let k = 0; k < nC; k++) {
      const p = i * nC + k;
      rowDiag[p] = gR * (k < nC - 1 ? 2 : 1) + g[p];
      colDiag[p] = gC * (i > 0 ? 2 : 1) + g[p];
    }
  }
  const b = new Float64Array(2 * n);
  for (let i = 0; i < nR; i++) b[i * nC] = gR * v[i];
  const x = new Float64Array(2 * n), r = new Float64Array(2 * n), z = new Float64Array(2 * n);
  const p = new Float64Array(2 * n), q = new Float64Array(2 * n);
  const scratch = new Float64Array(Math.max(nR, nC) * 3);
  // Start from the preconditioner's answer (decoupled ladders).
  r.set(b);
  precondition(x, r, rowDiag, colDiag, gR, gC, nR, nC, scratch);
  applyA(q, x, g, rowDiag, colDiag, gR, gC, nR, nC);
  for (let t = 0; t < 2 * n; t++) r[t] = b[t] - q[t];
  const bNorm = Math.sqrt(dot(b, b)) || 1;
  precondition(z, r, rowDiag, colDiag, gR, gC, nR, nC, scratch);
  p.set(z);
  let rz = dot(r, z);
  let it = 0;
  let res = Math.sqrt(dot(r, r)) / bNorm;
  const maxIt = 20 * (nR + nC) + 200;
  while (res > 1e-13 && it < maxIt) {
    applyA(q, p, g, rowDiag, colDiag, gR, gC, nR, nC);
    const alpha = rz / dot(p, q);
    for (let t = 0; t < 2 * n; t++) { x[t] += alpha * p[t]; r[t] -= alpha * q[t]; }
    res = Math.sqrt(dot(r, r)) / bNorm;
    it++;
    if (res <= 1e-13) break;
    precondition(z, r, rowDiag, colDiag, gR, gC, nR, nC, scratch);
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let t = 0; t < 2 * n; t++) p[t] = z[t] + beta * p[t];
  }
  if (info) { info.iterations = it; info.relResidual = res; }
  for (let k = 0; k < nC; k++) out[k] = gC * x[n + (nR - 1) * nC + k];
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let t = 0; t < a.length; t++) s += a[t] * b[t];
  return s;
}

/** q = A·u for the full nodal matrix (row part first, column part second). */
function applyA(
  q: Float64Array, u: Float64Array, g: ArrayLike<number>, rowDiag: Float64Array, colDiag: Float64Array,
  gR: number, gC: number, nR: number, nC: number,
): void {
  const n = nR * nC;
  for (let i = 0; i < nR; i++) {
    for (let k = 0; k < nC; k++) {
      const pi = i * nC + k;
      let s = rowDiag[pi] * u[pi] - g[pi] * u[n + pi];
      if (k > 0) s -= gR * u[pi - 1];
      if (k < nC - 1) s -= gR * u[pi + 1];
      q[pi] = s;
      let c = colDiag[pi] * u[n + pi] - g[pi] * u[pi];
      if (i > 0) c -= gC * u[n + pi - nC];
      if (i < nR - 1) c -= gC * u[n + pi + nC];
      q[n + pi] = c;
    }
  }
}

/** z = M⁻¹ r: one Thomas solve per row line and per column line. */
function precondition(
  z: Float64Array, r: Float64Array, rowDiag: Float64Array, colDiag: Float64Array,
  gR: number, gC: number, nR: number, nC: number, scratch: Float64Array,
): void {
  const n = nR * nC;
  const m = Math.max(nR, nC);
  const d = scratch.subarray(0, m), rhs = scratch.subarray(m, 2 * m), cp = scratch.subarray(2 * m, 3 * m);
  for (let i = 0; i < nR; i++) {
    // Row line i: contiguous in memory.
    thomasConst(z.subarray(i * nC, i * nC + nC), rowDiag.subarray(i * nC, i * nC + nC), -gR, r.subarray(i * nC, i * nC + nC), nC, cp);
  }
  const x = new Float64Array(nR);
  for (let k = 0; k < nC; k++) {
    for (let i = 0; i < nR; i++) { d[i] = colDiag[i * nC + k]; rhs[i] = r[n + i * nC + k]; }
    thomasConst(x, d, -gC, rhs, nR, cp);
    for (let i = 0; i < nR; i++) z[n + i * nC + k] = x[i];
  }
}

/**
 * Thomas algorithm for a symmetric tridiagonal matrix with constant off-diagonal `off`:
 * solves T·x = rhs, T_ii = diag[i], T_i,i±1 = off. `cp` is scratch of length ≥ m.
 */
export function thomasConst(x: ArrayLike<number> & { [i: number]: number }, diag: ArrayLike<number>, off: number, rhs: ArrayLike<number>, m: number, cp: Float64Array): void {
  // Forward sweep: cp[i] = off / denom_i, x[i] holds the modified rhs.
  let denom = diag[0];
  cp[0] = off / denom;
  x[0] = rhs[0] / denom;
  for (let i = 1; i < m; i++) {
    denom = diag[i] - off * cp[i - 1];
    cp[i] = off / denom;
    x[i] = (rhs[i] - off * x[i - 1]) / denom;
  }
  for (let i = m - 2; i >= 0; i--) x[i] -= cp[i] * x[i + 1];
}

/**
 * Scratch buffers for {@link irDropEffective}, sized for the largest tile (allocate once).
 */
export interface IrDropScratch {
  readonly diag: Float64Array;
  readonly rhs: Float64Array;
  readonly x: Float64Array;
  readonly cp: Float64Array;
  readonly fwd: Float64Array;
  readonly bwd: Float64Array;
  /** d_ik (column driving-point resistance [1/µS]) and ψ_ik for the whole tile. */
  readonly dcol: Float64Array;
  readonly psi: Float64Array;
  /** leakage conductance of each cell into its own (un-driven) row [µS]. */
  readonly leak: Float64Array;
}

export function irDropScratch(maxRows: number, maxCols: number): IrDropScratch {
  const m = Math.max(maxRows, maxCols);
  return {
    diag: new Float64Array(m), rhs: new Float64Array(m), x: new Float64Array(m), cp: new Float64Array(m),
    fwd: new Float64Array(m), bwd: new Float64Array(m),
    dcol: new Float64Array(maxRows * maxCols), psi: new Float64Array(maxRows * maxCols), leak: new Float64Array(maxRows * maxCols),
  };
}

/**
 * The fast IR-drop approximation: effective conductances Ĝ_ik ≈ g_ik·a_ik·ψ_ik (see the module
 * header) such that the column currents are I_k ≈ Σ_i V_i·Ĝ_ik.
 *
 * @param out   effective conductances [µS], row-major nR × nC (written and returned; may alias g
 *              only if the caller no longer needs g)
 * @param g     cell conductances [µS], row-major nR × nC
 * Cost: O(nR·nC), a few Thomas sweeps per line; no allocation when `s` is given.
 */
export function irDropEffective(
  out: Float32Array | Float64Array, g: ArrayLike<number>, nR: number, nC: number, rRow: number, rCol: number,
  s: IrDropScratch = irDropScratch(nR, nC),
): Float32Array | Float64Array {
  const gR = wireConductance(rRow);
  const gC = wireConductance(rCol);
  const { diag, rhs, x, cp, fwd, bwd, dcol, psi, leak } = s;
  // Row rise of un-driven rows: s_ik = r_ik / c when every column node of row i sits at the same
  // voltage c and the row's driver holds 0 V — the fraction of a column's voltage that a leaking
  // cell does NOT see. Leakage conductance of cell (i, k) into its row is then g_ik·(1 − s_ik).
  for (let i = 0; i < nR; i++) {
    const row = i * nC;
    if (gR === Infinity) { for (let k = 0; k < nC; k++) leak[row + k] = g[row + k]; continue; }
    for (let k = 0; k < nC; k++) { diag[k] = gR * (k < nC - 1 ? 2 : 1) + g[row + k]; rhs[k] = g[row + k]; }
    thomasConst(x, diag, -gR, rhs, nC, cp);
    for (let k = 0; k < nC; k++) leak[row + k] = g[row + k] * (1 - x[k]);
  }
  // Column ladders: ψ (transfer to the output) and d (diagonal of the inverse).
  for (let k = 0; k < nC; k++) {
    if (gC === Infinity) {
      for (let i = 0; i < nR; i++) { psi[i * nC + k] = 1; dcol[i * nC + k] = 0; }
      continue;
    }
    for (let i = 0; i < nR; i++) { diag[i] = gC * (i > 0 ? 2 : 1) + leak[i * nC + k]; rhs[i] = 0; }
    rhs[nR - 1] = gC;
    thomasConst(x, diag, -gC, rhs, nR, cp);
    // Diagonal of the inverse of a symmetric tridiagonal: (T⁻¹)_ii = 1 / (D_i + E_i − T_ii), with
    // D the forward pivots (from the top) and E the backward pivots (from the bottom).
    const b2 = gC * gC;
    fwd[0] = diag[0];
    for (let i = 1; i < nR; i++) fwd[i] = diag[i] - b2 / fwd[i - 1];
    bwd[nR - 1] = diag[nR - 1];
    for (let i = nR - 2; i >= 0; i--) bwd[i] = diag[i] - b2 / bwd[i + 1];
    for (let i = 0; i < nR; i++) {
      psi[i * nC + k] = x[i];
      dcol[i * nC + k] = 1 / (fwd[i] + bwd[i] - diag[i]);
    }
  }
  // Row ladders with the cell reduced by the column's rise: g' = g·(1 − d·g).
  for (let i = 0; i < nR; i++) {
    const row = i * nC;
    if (gR === Infinity) {
      for (let k = 0; k < nC; k++) out[row + k] = g[row + k] * psi[row + k];
      continue;
    }
    for (let k = 0; k < nC; k++) {
      const gik = g[row + k];
      let ge = gik * (1 - dcol[row + k] * gik);
      if (ge < 0) ge = 0;
      diag[k] = gR * (k < nC - 1 ? 2 : 1) + ge;
      rhs[k] = 0;
    }
    rhs[0] = gR;
    thomasConst(x, diag, -gR, rhs, nC, cp);
    for (let k = 0; k < nC; k++) out[row + k] = g[row + k] * x[k] * psi[row + k];
  }
  return out;
}
