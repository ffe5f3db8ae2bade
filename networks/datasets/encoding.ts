/**
 * Poisson rate encoding of images, as in Diehl & Cook 2015.
 *
 * P. U. Diehl and M. Cook, "Unsupervised learning of digit recognition using spike-timing-dependent
 * plasticity", Front. Comput. Neurosci. 9:99 (2015), doi:10.3389/fncom.2015.00099, and their original
 * Brian code (Diehl_and_Cook_spiking_MNIST.py):
 *
 * ```
 * input_intensity = start_input_intensity = 2
 * rates = image.reshape(784) / 8. * input_intensity      # Hz
 * run 350 ms with these rates, then 150 ms with rate 0     # presentation + rest
 * if sum(excitatory spikes during the 350 ms) < 5:
 *     input_intensity += 1                                 # same image again, brighter
 * else:
 *     input_intensity = start_input_intensity; next image
 * ```
 *
 * So each input neuron i fires as a Poisson process of rate
 *
 *   r_i = p_i / 8 · intensity  [Hz]  =  p_i / 255 · MAX_RATE_HZ · intensity / START_INTENSITY,
 *
 * p_i ∈ 0…255 the pixel value: at the starting intensity 2 that is p_i / 4 Hz, at most
 * 255 / 4 = 63.75 Hz. Over a presentation window T [ms] the expected spike count of input i is
 * r_i · T / 1000 (the rate code used as the DAC input of crossbar inference).
 *
 * Pure and allocation-free: callers pass the output arrays.
 */
import { image, type ImageDataset } from './image-dataset.js';

/** Pixel value divided by this, times the intensity, is the rate [Hz] (Diehl & Cook: `/ 8.`). */
export const PIXEL_RATE_DIVISOR = 8;
/** Input intensity at the start of every sample (Diehl & Cook: `start_input_intensity = 2`). */
export const START_INTENSITY = 2;
/** Intensity added when a presentation fails (Diehl & Cook: `input_intensity += 1`). */
export const INTENSITY_STEP = 1;
/** A presentation with fewer excitatory spikes than this is repeated at higher intensity. */
export const MIN_SPIKES = 5;
/** Rate of a white pixel (255) at the starting intensity [Hz]: 255 / 8 · 2 = 63.75. */
export const MAX_RATE_HZ = (255 / PIXEL_RATE_DIVISOR) * START_INTENSITY;
/** Presentation time of one sample [ms] (Diehl & Cook: `single_example_time = 0.35 s`). */
export const PRESENTATION_MS = 350;
/** Rest with all input rates at 0 after each presentation [ms] (Diehl & Cook: `resting_time = 0.15 s`). */
export const REST_MS = 150;

/**
 * Input rates [Hz] of image i of `ds` at `intensity`: `out[k] = pixel_k / 8 · intensity`, in
 * [0, MAX_RATE_HZ · intensity / START_INTENSITY].
 *
 * @param out       length rows·cols; overwritten and returned
 * @param intensity Diehl & Cook's input intensity (START_INTENSITY, raised by INTENSITY_STEP on retries)
 * @throws Error if `out` has the wrong length or the intensity is negative or not finite.
 */
export function pixelRates(out: Float64Array, ds: ImageDataset, i: number, intensity: number = START_INTENSITY): Float64Array {
  const n = ds.rows * ds.cols;
  if (out.length !== n) {
    throw new Error(`pixelRates: out has length ${out.length}, images of ${ds.source} have ${ds.rows} × ${ds.cols} = ${n} pixels; allocate new Float64Array(${n}).`);
  }
  if (!(intensity >= 0) || !Number.isFinite(intensity)) {
    throw new Error(`pixelRates: intensity = ${intensity} must be a finite number ≥ 0 (Diehl & Cook start at ${START_INTENSITY}).`);
  }
  const px = image(ds, i);
  const scale = intensity / PIXEL_RATE_DIVISOR;
  for (let k = 0; k < n; k++) out[k] = px[k] * scale;
  return out;
}

/**
 * Expected spike counts of Poisson inputs over a window: `out[k] = rates[k] · windowMs / 1000`.
 *
 * @param out      same length as `rates`; overwritten and returned
 * @param rates    [Hz]
 * @param windowMs presentation window [ms] (Diehl & Cook: PRESENTATION_MS = 350)
 */
export function expectedCounts(out: Float64Array, rates: ArrayLike<number>, windowMs: number): Float64Array {
  if (out.length !== rates.length) {
    throw new Error(`expectedCounts: out has length ${out.length}, rates has ${rates.length}; they must match.`);
  }
  if (!(windowMs >= 0) || !Number.isFinite(windowMs)) {
    throw new Error(`expectedCounts: windowMs = ${windowMs} must be a finite number of milliseconds ≥ 0.`);
  }
  const s = windowMs / 1000;
  for (let k = 0; k < out.length; k++) out[k] = rates[k] * s;
  return out;
}

/** True if a presentation that drew `excSpikes` excitatory spikes must be repeated (fewer than MIN_SPIKES). */
export function needsRepresentation(excSpikes: number): boolean {
  return excSpikes < MIN_SPIKES;
}

/**
 * The intensity of the next presentation after one at `intensity` drew `excSpikes` excitatory
 * spikes: `intensity + INTENSITY_STEP` (same sample again) if `needsRepresentation(excSpikes)`, else
 * START_INTENSITY (next sample).
 */
export function nextIntensity(intensity: number, excSpikes: number): number {
  return needsRepresentation(excSpikes) ? intensity + INTENSITY_STEP : START_INTENSITY;
}
