#!/usr/bin/env node
/**
 * Dense propagation of spikes, JavaScript (core/synapses/projection.ts's propagateDense) against
 * the WebAssembly SIMD kernel (core/synapses/weights-wasm.ts's propagate, copies of the target in
 * and out included), on Diehl & Cook's input projection (784 × 400 weights, a 400-neuron target in
 * a LIF population's memory), one or two spiking rows per step, CPU ns per step; then whether both
 * targets hold the same bits.
 *
 *   npx tsc -p tsconfig.json && node scripts/propagate-ns.mjs
 */
const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const { weightArrays } = await import(root + '/dist/core/wasm.js');
const { denseWeightKernels } = await import(root + '/dist/core/synapses/weights-wasm.js');
const { propagateDense } = await import(root + '/dist/core/synapses/projection.js');
const { createLifWasm } = await import(root + '/dist/core/neurons/lif-wasm.js');
const nPre = 784, nPost = 400;
const [w] = weightArrays(nPre * nPost, 1);
for (let k = 0; k < w.length; k++) w[k] = ((k * 2654435761) % 1000) / 3333;
const a = createLifWasm(nPost).state.gE, b = createLifWasm(nPost).state.gE;
const simd = denseWeightKernels(w, null, nPre, nPost);
const spikes = { idx: new Int32Array(nPre), count: 0 };
const rows = Int32Array.from({ length: 4096 }, (_, i) => (i * 7919) % nPre);
const calls = 200000;
const time = (f) => { const c0 = process.cpuUsage(); f(); const c = process.cpuUsage(c0); return ((c.user + c.system) * 1000) / calls; };
for (let r = 0; r < 6; r++) {
  for (const perStep of [1, 2]) {
    const js = time(() => { for (let t = 0; t < calls; t++) { spikes.count = perStep; for (let s = 0; s < perStep; s++) spikes.idx[s] = rows[(t * 2 + s) & 4095]; propagateDense(a, 0, spikes, nPost, w); } });
    const wa = time(() => { for (let t = 0; t < calls; t++) { spikes.count = perStep; for (let s = 0; s < perStep; s++) spikes.idx[s] = rows[(t * 2 + s) & 4095]; simd.propagate(b, spikes.idx, perStep); } });
    if (r >= 3) console.log(`${perStep} row(s) per step: JavaScript ${js.toFixed(0)} ns, SIMD ${wa.toFixed(0)} ns per step`);
  }
}
console.log('same bits:', Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0);
