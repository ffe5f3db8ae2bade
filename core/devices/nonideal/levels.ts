/**
 * Finite levels: after every pulse the conductance is rounded to one of `quantLevels` evenly spaced
 * levels of the device's own window [lo0, hi0] (0 = continuous), then clipped to the (worn) window.
 * levelStep and quantise are written out in the pulse kernels by scripts/build-device-kernels.mjs.
 */

/** The spacing of `levels` levels on [lo0, hi0] (0 when continuous). */
export function levelStep(lo0: number, hi0: number, levels: number): number {
  return levels > 0 ? (hi0 - lo0) / (levels - 1) : 0;
}

/**
 * Math.round(x) without a data-dependent branch (V8 lowers Math.round to roundup + compare +
 * branch, mispredicted half the time on noisy conductances). Equal to Math.round(x) for every x,
 * up to the sign of a zero result (Math.round gives −0 on [−0.5, 0), this +0): x − ⌊x⌋ is exact for
 * |x| ≥ 1 and for x ≥ 0, and on (−1, 0) its rounding cannot cross 0.5; NaN and ±∞ pass through.
 * Callers add the result times a step to an offset ≥ +0, where the two zeros give the same sum.
 */
export function roundHalfUp(x: number): number {
  const r = Math.floor(x);
  return r + +(x - r >= 0.5);
}

/** The pulse kernels' quantisation: the nearest level to g, with the step qs and its inverse iqs precomputed per device. */
export function quantise(g: number, lo0: number, qs: number, iqs: number): number {
  return lo0 + roundHalfUp((g - lo0) * iqs) * qs;
}

/**
 * Open-loop programming's quantisation: g divided by the step (not multiplied by its inverse, as
 * the pulse kernels do — the two can differ in the last bit of the quotient; each keeps its own
 * form, which the golden hashes pin).
 */
export function quantiseByDivision(g: number, lo0: number, qs: number): number {
  return lo0 + Math.round((g - lo0) / qs) * qs;
}
