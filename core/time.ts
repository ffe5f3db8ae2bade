/**
 * Times of whole steps.
 *
 * The engine counts time in integer steps (Brian2's `Clock.timestep`); a time in ms is step × dt.
 * In binary floating point that product carries noise although dt was written as a decimal:
 * 2262 × 0.1 = 226.20000000000002. `stepTime` gives instead the double nearest to the decimal
 * product: dt is read as the shortest decimal m/10^k (at most 15 digits) that rounds to it — 0.1 is
 * 1/10, 0.025 is 25/1000 —, step × m is an exact integer (below 2⁵³), and one IEEE-754 division by
 * the exact power of ten 10^k is correctly rounded. So stepTime(2262, 0.1) = 226.2, and every time
 * a monitor reports is the decimal value a person would write. Where dt has no such decimal form
 * (1/3) or step × m exceeds 2⁵³, it is the plain product step × dt.
 *
 * Only what is reported uses it (monitor times, `net.time`, frames); the models compute with their
 * own, unchanged, arithmetic (t = (step + 1)·dt in the learning rules, for example).
 */

let cachedDt = Number.NaN;
/** dt = m / scale exactly, or scale = 0 when dt has no decimal form of ≤ 15 digits. */
let cachedM = 0;
let cachedScale = 0;

function decimalForm(dt: number): void {
  cachedDt = dt;
  cachedM = 0;
  cachedScale = 0;
  if (!Number.isFinite(dt)) return;
  for (let k = 0, scale = 1; k <= 15; k++, scale *= 10) {
    const m = Math.round(dt * scale);
    if (Math.abs(m) <= Number.MAX_SAFE_INTEGER && m / scale === dt) {
      cachedM = m;
      cachedScale = scale;
      return;
    }
  }
}

/** step × dt [ms] as the correctly rounded decimal product (see the module header). */
export function stepTime(step: number, dt: number): number {
  if (dt !== cachedDt) decimalForm(dt);
  if (cachedScale === 0) return step * dt;
  const units = step * cachedM;
  return units <= Number.MAX_SAFE_INTEGER && units >= -Number.MAX_SAFE_INTEGER ? units / cachedScale : step * dt;
}
