/**
 * Crossbar peripheral (IO) parameters: DAC, ADC, output noise, IR drop, drift and its compensation,
 * read voltage and timing, converter energies. Frozen plain objects validated once by
 * {@link ioParams}; composed with a device preset (`{ device, io }`), never enumerated.
 *
 * Conventions (after aihwkit's IOParameters, IBM/aihwkit `simulator/parameters/io.py`):
 *   - inputs x are scaled to x̂ ∈ [−1, 1] by the DAC range (a fixed `dacRange` in input units, or per
 *     tile and per vector by max|x| — aihwkit's NoiseManagementType.ABS_MAX), then quantised by a
 *     signed b-bit DAC: step 1/(2^(b−1) − 1) (8 bits → 1/127; aihwkit's inp_res = 1/(2^b − 2) of the
 *     range [−1, 1] is the same step);
 *   - the analog output of a tile, in normalised units ŷ_j = Σ_i x̂_i·ŵ_ij with ŵ = (G+ − G−)/ΔG
 *     (ΔG the conductance span that encodes the largest weight), gets Gaussian output noise
 *     `outNoise` (aihwkit out_noise), saturates at ±`adcRange` (aihwkit out_bound) and is quantised
 *     by a signed b-bit ADC, step adcRange/(2^(b−1) − 1) (aihwkit out_res = 1/(2^b − 2) of 2·out_bound);
 *   - physical voltages: x̂ = 1 is `readVoltage` [mV] on the row (the seed paper reads at −0.1 V).
 *
 * Units: mV, ms, nJ, Ω (wire resistance per segment between neighbouring cells). The wire resistances
 * are plain numbers in Ω — not the MΩ in which memspike reads a resistance quantity elsewhere (a
 * LIF's rMem, core/units.ts): a wire segment is 10⁻⁴–1 Ω, and these fields take no unit strings.
 */
import { format } from '../units.js';

/** Peripheral parameters of a crossbar. */
export interface IoParams {
  /** signed DAC resolution [bits], ≥ 2; null = no input quantisation */
  readonly dacBits: number | null;
  /** input full scale [input units], or 'absMax' = per tile, per vector max|x| (aihwkit ABS_MAX) */
  readonly dacRange: number | 'absMax';
  /** signed ADC resolution [bits], ≥ 2; null = no output quantisation */
  readonly adcBits: number | null;
  /** ADC full scale in normalised output units (aihwkit out_bound); Infinity = never saturates */
  readonly adcRange: number;
  /** std of additive Gaussian noise on each tile's normalised output (aihwkit out_noise) */
  readonly outNoise: number;
  /** apply the device preset's read noise at every vmm */
  readonly readNoise: boolean;
  /** apply conductance drift at the array's age */
  readonly drift: boolean;
  /** row wire resistance per cell-to-cell segment [Ω] (a plain number in ohms, not MΩ); 0 = ideal wire */
  readonly rowWireResistance: number;
  /** column wire resistance per cell-to-cell segment [Ω] (a plain number in ohms, not MΩ); 0 = ideal wire */
  readonly colWireResistance: number;
  /** 'global': scale outputs by the probe read after programming over the probe read now (aihwkit GlobalDriftCompensation) */
  readonly driftCompensation: 'none' | 'global';
  /** row voltage at x̂ = 1 [mV] */
  readonly readVoltage: number;
  /** read (integration) time per vmm [ms] */
  readonly readTime: number;
  /** ADC conversion time [ms] */
  readonly adcTime: number;
  /** columns sharing one ADC (column multiplexing, as NeuroSim does); ≥ 1 */
  readonly colsPerAdc: number;
  /** energy per ADC conversion [nJ] */
  readonly adcEnergy: number;
  /** energy per DAC conversion (one per driven row per vmm) [nJ] */
  readonly dacEnergy: number;
}

/**
 * The ideal corner (aihwkit `is_perfect`): no quantisation, no noise, no IR drop, no drift.
 * Timing and energy assumptions are those of {@link IO_HFS2_PAPER} so energy is still reported.
 */
export const IO_IDEAL: IoParams = Object.freeze({
  dacBits: null,
  dacRange: 'absMax',
  adcBits: null,
  adcRange: Infinity,
  outNoise: 0,
  readNoise: false,
  drift: false,
  rowWireResistance: 0,
  colWireResistance: 0,
  driftCompensation: 'none',
  readVoltage: 100,
  readTime: 1e-4,
  adcTime: 1e-5,
  colsPerAdc: 8,
  adcEnergy: 2.56e-3,
  dacEnergy: 2.6e-4,
});

/** aihwkit's wire/device ratio (0.35 Ω at 5 µS) rescaled to hfs2's gMax = 3811.98 µS [Ω]. */
export const HFS2_WIRE_OHM = (0.35 * 5) / 3811.98;

/**
 * The peripheral setting of the seed paper's simulation (Xhameni & Lombardo 2025, arXiv 2506.17174,
 * §3: "8 bit ADC and DACs", IR drop, drift with global drift compensation), with aihwkit's
 * defaults where the paper gives no number:
 *   - DAC 8 bits with ABS_MAX input scaling (aihwkit default noise management);
 *   - ADC 8 bits, bound 12 (aihwkit out_bound default), output noise 0.06 (aihwkit out_noise default);
 *   - IR drop with aihwkit's wire-to-device ratio (IOParameters.ir_drop = 1, ir_drop_g_ratio =
 *     1/(0.35 Ω · 5 µS): a 0.35 Ω segment against a 5 µS device), rescaled to the hfs2 window
 *     (gMax 3812 µS): R_wire = 0.35 Ω · 5 µS / 3812 µS = 4.59e-4 Ω per segment. This keeps the
 *     paper's (aihwkit-normalised) IR drop. A physical 0.35 Ω wire under 2.6–3.8 mS devices would
 *     drop most of the read voltage along a 256-cell row (R·G·N²/2 ≈ 100); set the field to see it.
 *     (aihwkit's docstring says "5mS maximal conductance" while its formula uses 5e-6 S; we follow
 *     the formula.)
 *   - read voltage 100 mV (the paper reads at −0.1 V).
 * Assumptions (no source in the paper; stated): read time 100 ns; 8-bit SAR ADC at 100 MS/s
 * (10 ns per conversion), 8 columns per ADC (NeuroSim's default column mux); ADC energy 2.56 pJ per
 * conversion = Walden figure of merit 10 fJ/conversion-step × 2⁸ (order of magnitude of the
 * Murmann ADC survey for 8-bit SAR); DAC energy 0.26 pJ per conversion (a tenth of the ADC's).
 */
export const IO_HFS2_PAPER: IoParams = Object.freeze({
  dacBits: 8,
  dacRange: 'absMax',
  adcBits: 8,
  adcRange: 12,
  outNoise: 0.06,
  readNoise: true,
  drift: true,
  rowWireResistance: HFS2_WIRE_OHM,
  colWireResistance: HFS2_WIRE_OHM,
  driftCompensation: 'global',
  readVoltage: 100,
  readTime: 1e-4,
  adcTime: 1e-5,
  colsPerAdc: 8,
  adcEnergy: 2.56e-3,
  dacEnergy: 2.6e-4,
});

function fail(field: string, value: unknown, what: string, fix: string): never {
  throw new Error(`io.${field} = ${format(value)} ${what}; ${fix}.`);
}

function bits(o: Record<string, unknown>, field: string): number | null {
  const v = o[field];
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 2 || v > 24) {
    fail(field, v, 'is not a whole number of bits in [2, 24]', 'give an integer such as 8 (a signed converter needs ≥ 2 bits), or null for no quantisation');
  }
  return v;
}

function nonNeg(o: Record<string, unknown>, field: string, unit: string, allowInf = false): number {
  const v = o[field];
  if (typeof v !== 'number' || Number.isNaN(v) || (!allowInf && !Number.isFinite(v)) || v < 0) {
    fail(field, v, `is not a ${allowInf ? '' : 'finite '}number ≥ 0`, `give a value in ${unit} that is ≥ 0${allowInf ? ' (Infinity allowed)' : ''}`);
  }
  return v;
}

function pos(o: Record<string, unknown>, field: string, unit: string, allowInf = false): number {
  const v = o[field];
  if (typeof v !== 'number' || Number.isNaN(v) || (!allowInf && !Number.isFinite(v)) || !(v > 0)) {
    fail(field, v, `is not a ${allowInf ? '' : 'finite '}number > 0`, `give a positive value in ${unit}${allowInf ? ' (Infinity allowed)' : ''}`);
  }
  return v;
}

/**
 * Merges `overrides` over `base` (default {@link IO_HFS2_PAPER}) and validates every field once.
 * @throws Error naming the field, the value and the fix.
 */
export function ioParams(overrides: Partial<IoParams> = {}, base: IoParams = IO_HFS2_PAPER): IoParams {
  if (overrides === null || typeof overrides !== 'object') fail('(object)', overrides, 'is not an object', 'pass a plain object of IoParams fields');
  const known = new Set(Object.keys(IO_IDEAL));
  for (const k of Object.keys(overrides)) {
    if (!known.has(k)) throw new Error(`io.${k} is not an IO parameter; known fields: ${[...known].join(', ')}.`);
  }
  const o = { ...base, ...overrides } as unknown as Record<string, unknown>;
  const dacRange = o['dacRange'];
  if (dacRange !== 'absMax' && (typeof dacRange !== 'number' || !Number.isFinite(dacRange) || !(dacRange > 0))) {
    fail('dacRange', dacRange, 'is neither a positive finite number nor \'absMax\'', 'give the input full scale in input units, or \'absMax\' to scale each vector by its largest |x|');
  }
  for (const f of ['readNoise', 'drift'] as const) {
    if (typeof o[f] !== 'boolean') fail(f, o[f], 'is not a boolean', 'give true or false');
  }
  const comp = o['driftCompensation'];
  if (comp !== 'none' && comp !== 'global') fail('driftCompensation', comp, 'is not a known compensation', "give 'none' or 'global'");
  if (o['adcBits'] !== null && o['adcRange'] === Infinity) {
    fail('adcRange', o['adcRange'], 'is Infinity while adcBits is set', 'give the ADC full scale (e.g. 12, aihwkit out_bound), or set adcBits: null');
  }
  const colsPerAdc = o['colsPerAdc'];
  if (typeof colsPerAdc !== 'number' || !Number.isInteger(colsPerAdc) || colsPerAdc < 1) {
    fail('colsPerAdc', colsPerAdc, 'is not a whole number ≥ 1', 'give how many columns share one ADC, e.g. 8');
  }
  return Object.freeze({
    dacBits: bits(o, 'dacBits'),
    dacRange: dacRange as number | 'absMax',
    adcBits: bits(o, 'adcBits'),
    adcRange: pos(o, 'adcRange', 'normalised output units', true),
    outNoise: nonNeg(o, 'outNoise', 'normalised output units'),
    readNoise: o['readNoise'] as boolean,
    drift: o['drift'] as boolean,
    rowWireResistance: nonNeg(o, 'rowWireResistance', 'Ω per segment (0 for an ideal wire)'),
    colWireResistance: nonNeg(o, 'colWireResistance', 'Ω per segment (0 for an ideal wire)'),
    driftCompensation: comp as 'none' | 'global',
    readVoltage: pos(o, 'readVoltage', 'mV'),
    readTime: pos(o, 'readTime', 'ms'),
    adcTime: nonNeg(o, 'adcTime', 'ms'),
    colsPerAdc,
    adcEnergy: nonNeg(o, 'adcEnergy', 'nJ'),
    dacEnergy: nonNeg(o, 'dacEnergy', 'nJ'),
  } as IoParams);
}

/** Positive levels of a signed b-bit converter: 2^(b−1) − 1 (0 for null = no quantisation). */
export function converterLevels(bits: number | null): number {
  return bits === null ? 0 : 2 ** (bits - 1) - 1;
}
