/**
 * Device presets: frozen DeviceParams with a citation line each. Compose, do not enumerate:
 * `deviceParams(DEVICE_PRESETS.hfs2, { d2d: { step: 0 } })` returns a new frozen variant.
 *
 * Values come from the cited papers (and REFERENCES.md's NeuroSim table); every value that had to be
 * assumed says so next to it. Units: µS, ms, mV (see params.ts).
 */
import { deviceParams, neurosimNormA, NO_NONIDEALITIES, type DeviceParams } from './params.js';

/** Builds a preset through the validator (so a preset can never be invalid) and freezes it. */
function preset(p: Record<string, unknown>): DeviceParams {
  return deviceParams({ ...NO_NONIDEALITIES, ...p } as unknown as DeviceParams, {});
}

// ---------------------------------------------------------------------------------------------
// hfs2 — the seed device.
// Measured bin widths (Xhameni & Lombardo 2025, Fig. 2e): 81.077 µS (potentiation), 80.520 µS
// (depression). Base step = their mean; asymmetry β from their ratio: a SET pulse moves
// base·(1 + β) = 81.077 µS, a RESET pulse base·(1 − β) = 80.520 µS.
const HFS2_STEP_UP = 81.077;
const HFS2_STEP_DOWN = 80.52;
const HFS2_BASE = (HFS2_STEP_UP + HFS2_STEP_DOWN) / 2; // 80.7985 µS
const HFS2_BETA = (HFS2_STEP_UP - HFS2_STEP_DOWN) / (HFS2_STEP_UP + HFS2_STEP_DOWN); // 0.003447
/**
 * ASSUMPTION: the paper does not state Gmin. The measured energy fixes the conductance during the
 * pulses: 23.74 nJ per 40-pulse cycle at the mid-range pulse (0.85 V, 255 ns) needs a mean G of
 * ≈ 3.2 mS (E = V²·G·t), i.e. Gmin ≈ 2.6 mS (≈ 385 Ω) under the 1.2 mS linear window.
 */
const HFS2_GMIN = 2600;

/**
 * HfOxSy/HfS2 forming- and compliance-free memristor, linear under its tailored pulse trains.
 * Citation: A. Xhameni, A. Lombardo, "High-accuracy inference using HfOxSy/HfS2 memristors",
 * arXiv:2506.17174 (2025) — Fig. 2c–f (16 levels per device → 31 differential bins, bin width
 * 81.077/80.520 µS, σ 23.700 µS, R² 0.99898/0.99925, 23.74 nJ per cycle), §3 (30 % DTOD, drift).
 */
export const HFS2: DeviceParams = preset({
  kind: 'linear',
  name: 'hfs2',
  citation: 'Xhameni & Lombardo, High-accuracy inference using HfOxSy/HfS2 memristors, arXiv:2506.17174 (2025), Fig. 2 and §3',
  gMin: HFS2_GMIN, // ASSUMPTION, see HFS2_GMIN
  gMax: HFS2_GMIN + 15 * HFS2_BASE, // 16 levels per device (31 differential bins) → 15 base steps: 3811.98 µS
  levels: 16,
  asymmetry: HFS2_BETA,
  /**
   * ASSUMPTION (calibrated): the paper reports σ = 23.7 µS per *state* over 100 cycles, not per
   * pulse. With additive noise per pulse the state k pulses after a saturating opposite train has
   * σ_k = σ_pulse·√k; σ_pulse = 9.85 µS makes the mean σ over the 16 linear states 23.7 µS (what
   * `device curve` measures). All of the measured spread is attributed to write noise (read noise 0).
   */
  c2c: 9.85,
  /**
   * The paper's aihwkit baseline: 30 % device-to-device variation "for conductance update and how
   * reliably we can achieve the minimum/maximum conductance states" → step σ 0.3 (aihwkit
   * dw_min_dtod); bounds: aihwkit's w_max_dtod/w_min_dtod = 0.3 are relative to |w_max| = half the
   * range, i.e. 0.15 of the window here. Nonlinearity: none (linear device).
   */
  d2d: { step: 0.3, bounds: 0.15, nonlinearity: 0 },
  endurance: Infinity, // not measured beyond 100 cycles (4000 pulses); wear-out off
  /**
   * "Small drift": < 3 % over the measured retention period (paper §3, ref. 16). ASSUMPTION: that
   * period is 10⁴ s with t0 = 1 s ⇒ ν = −ln(0.97)/ln(10⁴) = 0.0033; σ_ν = 0.001 assumed.
   */
  drift: { nuMean: 0.0033, nuStd: 0.001, t0: 1000, model: 'constant' },
  /** Pulses 0.7–0.995 V, 160–350 ns (tailored trains); modelled by the mid values 0.85 V, 255 ns. */
  pulse: { vUp: 850, vDown: 850, widthUp: 2.55e-4, widthDown: 2.55e-4 },
  read: { v: 100, width: 0.03 }, // −0.1 V, 30 µs (paper §2)
});

/**
 * Ag:a-Si (Jo et al., Nano Lett. 10, 1297 (2010), doi:10.1021/nl904092h) as tabulated by
 * MLP+NeuroSim V3.0 (Table II): 97 LTP / 100 LTD levels, NL 2.4 / −4.88 (normA 0.499 / 0.200),
 * R_ON 26 MΩ, ON/OFF 12.5, 3.2 V/300 µs and −2.8 V/300 µs, C2C 3.5 %.
 */
const AGSI_UP = 96; // pulses gMin → gMax (97 levels)
const AGSI_DOWN = 99; // pulses gMax → gMin (100 levels)
const AGSI_P0 = (2 * AGSI_UP * AGSI_DOWN) / (AGSI_UP + AGSI_DOWN); // base Pmax 97.48: P0/(1+β) = 96, P0/(1−β) = 99
export const AGSI: DeviceParams = preset({
  kind: 'softBounds',
  name: 'agsi',
  citation: 'Jo et al., Nano Lett. 10:1297 (2010), doi:10.1021/nl904092h; fit: MLP+NeuroSim V3.0 manual Table II',
  gMax: 1 / 26, // 1/26 MΩ = 0.03846 µS
  gMin: 1 / 26 / 12.5, // ON/OFF 12.5 → 0.003077 µS
  levels: AGSI_P0 + 1,
  asymmetry: AGSI_P0 / AGSI_UP - 1, // +0.0154
  normAUp: 0.499,
  normADown: 0.2,
  c2c: 0.035 * (1 / 26 - 1 / 26 / 12.5), // NeuroSim σ_C2C 3.5 % of the window per pulse
  /** ASSUMPTION: not reported; aihwkit's PulsedDevice defaults (dw_min_dtod 0.3, w bounds 0.3 of |w_max| = 0.15 of W). */
  d2d: { step: 0.3, bounds: 0.15, nonlinearity: 0 },
  pulse: { vUp: 3200, vDown: 2800, widthUp: 0.3, widthDown: 0.3 },
  read: { v: 100, width: 0.001 }, // ASSUMPTION: 0.1 V, 1 µs read (not in the table)
});

/**
 * TaOx/HfOx (Wu et al., VLSI Technology 2018, doi:10.1109/VLSIT.2018.8510690) per MLP+NeuroSim
 * V3.0 Table II: 128 levels, NL 0.04 / −0.63 (normA 31.6 / 2.00), R_ON 100 kΩ, ON/OFF 10,
 * 1.6 V/50 ns both ways, C2C 3.7 %.
 */
export const TAOX_HFOX: DeviceParams = preset({
  kind: 'softBounds',
  name: 'taox-hfox',
  citation: 'Wu et al., VLSI Technology 2018, doi:10.1109/VLSIT.2018.8510690; fit: MLP+NeuroSim V3.0 manual Table II',
  gMax: 10, // 1/100 kΩ
  gMin: 1, // ON/OFF 10
  levels: 128,
  normAUp: neurosimNormA(0.04),
  normADown: neurosimNormA(0.63),
  c2c: 0.037 * 9,
  d2d: { step: 0.3, bounds: 0.15, nonlinearity: 0 }, // ASSUMPTION: aihwkit defaults (see agsi)
  pulse: { vUp: 1600, vDown: 1600, widthUp: 5e-5, widthDown: 5e-5 },
  read: { v: 100, width: 0.001 }, // ASSUMPTION
});

/**
 * GST phase-change memory (Kuzum et al., Nano Lett. 12, 2179 (2012; online 2011),
 * doi:10.1021/nl201040y) per MLP+NeuroSim V3.0 Table II: 100–120 levels (110 used), NL 0.105 / 2.4,
 * R_ON 4.71 kΩ, ON/OFF 19.8, 0.7 V/6 µs SET and 3 V/125 ns RESET, C2C 1.5 %; drift and read-noise
 * statistics of aihwkit's PCMLikeNoiseModel (Nandakumar et al. 2019): ν depends on g/gMax, t0 = 20 s.
 */
export const PCM_GST: DeviceParams = preset({
  kind: 'softBounds',
  name: 'pcm-gst',
  citation: 'Kuzum et al., Nano Lett. 12:2179 (2012), doi:10.1021/nl201040y (NeuroSim Table II); drift/read noise: aihwkit PCMLikeNoiseModel (Nandakumar et al. 2019)',
  gMax: 1e3 / 4.71, // 212.3 µS
  gMin: 1e3 / 4.71 / 19.8, // 10.72 µS
  levels: 110, // ASSUMPTION: middle of the reported 100–120
  normAUp: neurosimNormA(0.105),
  normADown: neurosimNormA(2.4),
  c2c: 0.015 * (1e3 / 4.71) * (1 - 1 / 19.8),
  d2d: { step: 0.3, bounds: 0.15, nonlinearity: 0.1 }, // ASSUMPTION: aihwkit defaults; NL σ 10 % assumed
  /** ASSUMPTION: PCM endurance 10⁸ (essay: 10⁸–10⁹), worn-out cells stuck in the amorphous (low-G) state. */
  endurance: 1e8,
  stuckState: 'gMin',
  drift: { nuMean: 0.049, nuStd: 0.008, t0: 20000, model: 'pcm' },
  /** ASSUMPTION: aihwkit's 1/f read noise Q = 0.0088/(g/gmax)^0.65 at g/gMax = 0.5 (Q ≈ 0.0138), without its slow √ln(t) growth. */
  readNoise: { abs: 0, rel: 0.0138 },
  pulse: { vUp: 700, vDown: 3000, widthUp: 0.006, widthDown: 1.25e-4 },
  read: { v: 200, width: 2.5e-4 }, // ASSUMPTION: 0.2 V, 250 ns (aihwkit t_read)
});

/**
 * EpiRAM, Ag:SiGe epitaxial (Choi et al., Nat. Mater. 17, 335 (2018), doi:10.1038/s41563-017-0001-5)
 * per MLP+NeuroSim V3.0 Table II: 64 levels, NL 0.5 / −0.5 (normA 2.52), R_ON 81 kΩ, ON/OFF 50.2,
 * 5 V/5 µs SET, −3 V/5 µs RESET, C2C 2 %.
 */
export const EPIRAM: DeviceParams = preset({
  kind: 'softBounds',
  name: 'epiram',
  citation: 'Choi et al., Nat. Mater. 17:335 (2018), doi:10.1038/s41563-017-0001-5; fit: MLP+NeuroSim V3.0 manual Table II',
  gMax: 1e3 / 81, // 12.35 µS
  gMin: 1e3 / 81 / 50.2, // 0.246 µS
  levels: 64,
  normAUp: 2.52,
  normADown: 2.52,
  c2c: 0.02 * (1e3 / 81) * (1 - 1 / 50.2),
  d2d: { step: 0.3, bounds: 0.15, nonlinearity: 0 }, // ASSUMPTION: aihwkit defaults
  pulse: { vUp: 5000, vDown: 3000, widthUp: 0.005, widthDown: 0.005 },
  read: { v: 100, width: 0.001 }, // ASSUMPTION
});

/**
 * HfO2 ReRAM with strong drift: the worst case of the seed paper (§3), drift as strong as the
 * measured HfO2 arrays of Wan et al., Nature 608, 504 (2022), doi:10.1038/s41586-022-04992-8
 * (aihwkit ReRamWan2022NoiseModel, gmax 40 µS): up to 30 % drift.
 * ASSUMPTIONS: aihwkit's Wan 2022 model is defined only at 1 s, 1 day and 2 days, so we fit a
 * power law with t0 = 1 s whose μ + 2σ device loses 30 % in one day: ν = −ln(0.7)/ln(86400) = 0.031
 * = 0.015 + 2·0.008. Update law: soft bounds with NeuroSim NL 1.0 (normA 1.25), 64 levels, gMin
 * 2 µS; c2c 2 % of W; endurance 10⁶ (essay: ReRAM 10⁶–10¹⁰, lower end), stuck at gMin; 1 % stuck-at
 * faults; read noise 1 % of g; 1.5 V/100 ns pulses — all assumed, none measured for this preset.
 */
export const RERAM_DRIFT: DeviceParams = preset({
  kind: 'softBounds',
  name: 'reram-drift',
  citation: 'Wan et al., Nature 608:504 (2022), doi:10.1038/s41586-022-04992-8 (drift, via aihwkit ReRamWan2022NoiseModel); seed paper arXiv:2506.17174 §3 (worst case, up to 30 %)',
  gMax: 40,
  gMin: 2,
  levels: 64,
  normAUp: 1.25,
  normADown: 1.25,
  c2c: 0.02 * 38,
  d2d: { step: 0.3, bounds: 0.15, nonlinearity: 0.1 },
  endurance: 1e6,
  stuckState: 'gMin',
  drift: { nuMean: 0.015, nuStd: 0.008, t0: 1000, model: 'constant' },
  readNoise: { abs: 0, rel: 0.01 },
  stuckAt: { fraction: 0.01, high: 0.5 },
  pulse: { vUp: 1500, vDown: 1500, widthUp: 1e-4, widthDown: 1e-4 },
  read: { v: 200, width: 1e-4 },
});

/**
 * The ideal corner (aihwkit's is_perfect / IdealDevice): linear, 2¹⁶ + 1 levels over 0–100 µS
 * (step 1.53e-3 µS, i.e. 1.5e-5 of the window), no noise, no variation, no drift, no wear, no
 * energy. With it a memristive store reproduces float weights.
 */
export const IDEAL_DEVICE: DeviceParams = preset({
  kind: 'linear',
  name: 'ideal',
  citation: 'none: the ideal reference device (no non-ideality), like aihwkit IdealDevice',
  gMin: 0,
  gMax: 100,
  levels: 65537,
});

/** All presets by name (what `memspike device list` prints). */
export const DEVICE_PRESETS: Readonly<Record<string, DeviceParams>> = Object.freeze({
  hfs2: HFS2,
  agsi: AGSI,
  'taox-hfox': TAOX_HFOX,
  'pcm-gst': PCM_GST,
  epiram: EPIRAM,
  'reram-drift': RERAM_DRIFT,
  ideal: IDEAL_DEVICE,
});

/** The preset called `name`; an unknown name is an error listing the known ones. */
export function devicePreset(name: string): DeviceParams {
  const p = Object.prototype.hasOwnProperty.call(DEVICE_PRESETS, name) ? DEVICE_PRESETS[name] : undefined;
  if (!p) {
    throw new Error(`unknown device preset '${name}'; known presets: ${Object.keys(DEVICE_PRESETS).join(', ')}.`);
  }
  return p;
}

/** A preset name or a DeviceParams object → DeviceParams (names resolved, objects re-validated). */
export function resolveDevice(device: DeviceParams | string): DeviceParams {
  if (typeof device === 'string') return devicePreset(device);
  if (device === null || typeof device !== 'object') {
    throw new Error(`device = ${String(device)} must be a preset name (${Object.keys(DEVICE_PRESETS).join(', ')}) or a DeviceParams object.`);
  }
  return Object.isFrozen(device) ? device : deviceParams(device, {});
}
