/**
 * Diehl & Cook's readout: each excitatory neuron is labelled with the class it responded to most
 * (mean spike count over the samples of that class), and a sample's class is the one whose
 * neurons fire most on average. Labels come from training images only.
 *
 * ResponseWindow keeps the responses of the most recent samples (Diehl & Cook assign from the
 * last 10 000): a fixed ring, so that recording in several slices records exactly what one pass
 * would.
 */

/** Responses the label assignment uses at most: Diehl & Cook's 10 000 samples. */
export const LABEL_WINDOW = 10_000;

/**
 * Label assignment (Diehl & Cook): neuron i gets argmax_c (mean response of i to samples of class c).
 * `responses` is samples × nExc (row-major), `classes` the label of each row. Neurons that never
 * responded get −1.
 */
export function assignLabels(out: Int8Array, responses: Float32Array, classes: Uint8Array, samples: number, nExc: number, nClasses = 10): Int8Array {
  const sums = new Float64Array(nClasses * nExc);
  const perClass = new Float64Array(nClasses);
  for (let s = 0; s < samples; s++) {
    const c = classes[s];
    perClass[c]++;
    const row = s * nExc;
    const base = c * nExc;
    for (let i = 0; i < nExc; i++) sums[base + i] += responses[row + i];
  }
  for (let i = 0; i < nExc; i++) {
    let best = -1;
    let bestRate = 0;
    for (let c = 0; c < nClasses; c++) {
      if (perClass[c] === 0) continue;
      const r = sums[c * nExc + i] / perClass[c];
      if (r > bestRate) {
        bestRate = r;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Classifies a response vector: the class whose assigned neurons have the highest mean response
 * (Diehl & Cook). Returns −1 when no assigned neuron responded.
 */
export function classify(response: ArrayLike<number>, labels: Int8Array, nClasses = 10): number {
  let best = -1;
  let bestScore = 0;
  for (let c = 0; c < nClasses; c++) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === c) {
        sum += response[i];
        n++;
      }
    }
    if (n === 0) continue;
    const score = sum / n;
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

/** The responses (spike counts per neuron) and classes of the most recent `capacity` samples. */
export interface ResponseWindow {
  readonly nExc: number;
  readonly capacity: number;
  /** samples held (≤ capacity) */
  readonly count: number;
  push(counts: ArrayLike<number>, cls: number): void;
  clear(): void;
  /** Owned copies, oldest first. */
  read(): { readonly responses: Float32Array; readonly classes: Uint8Array; readonly count: number };
  /** Labels every neuron from what is held (assignLabels); no-op while empty. */
  assign(out: Int8Array): void;
  /** Replaces the contents with `count` rows (oldest first), e.g. from a model file. */
  load(responses: ArrayLike<number>, classes: ArrayLike<number>, count: number): void;
}

export function createResponseWindow(nExc: number, capacity = LABEL_WINDOW): ResponseWindow {
  const ring = new Float32Array(capacity * nExc);
  const ringClasses = new Uint8Array(capacity);
  let head = 0;
  let size = 0;
  const window: ResponseWindow = {
    nExc,
    capacity,
    get count() {
      return size;
    },
    push(counts, cls) {
      const off = head * nExc;
      for (let i = 0; i < nExc; i++) ring[off + i] = counts[i];
      ringClasses[head] = cls;
      head = (head + 1) % capacity;
      if (size < capacity) size++;
    },
    clear() {
      head = 0;
      size = 0;
    },
    read() {
      const responses = new Float32Array(size * nExc);
      const classes = new Uint8Array(size);
      const start = (head - size + capacity) % capacity;
      for (let s = 0; s < size; s++) {
        const p = (start + s) % capacity;
        responses.set(ring.subarray(p * nExc, (p + 1) * nExc), s * nExc);
        classes[s] = ringClasses[p];
      }
      return { responses, classes, count: size };
    },
    assign(out) {
      const r = window.read();
      if (r.count > 0) assignLabels(out, r.responses, r.classes, r.count, nExc);
    },
    load(responses, classes, count) {
      if (count > capacity) throw new Error(`response window: ${count} responses exceed its ${capacity} samples.`);
      if (responses.length !== count * nExc || classes.length !== count) throw new Error(`response window: ${responses.length} values and ${classes.length} classes for ${count} samples of ${nExc} neurons.`);
      head = 0;
      size = 0;
      for (let s = 0; s < count; s++) {
        const off = head * nExc;
        for (let i = 0; i < nExc; i++) ring[off + i] = responses[s * nExc + i];
        ringClasses[head] = classes[s];
        head = (head + 1) % capacity;
        size++;
      }
    },
  };
  return window;
}
