/**
 * The crossbar view for `memspike train --live`, in a worker thread: programming a simulated array
 * takes 1–2 s for 784 × 400 cells, which must not pause the training (networks/live/analysis.ts).
 * Receives a CrossbarViewInput, answers { bytes } (an encoded LiveAnalysis) or { error }.
 */
import { parentPort } from 'node:worker_threads';
import { crossbarView, type CrossbarViewInput } from '../networks/live/analysis.js';
import { encodeLive } from '../networks/live/frame.js';

parentPort!.on('message', (input: CrossbarViewInput) => {
  try {
    const bytes = encodeLive(crossbarView(input));
    parentPort!.postMessage({ bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
