/**
 * Memristive devices: parameters and presets, the model closed forms, device arrays with batched
 * pulse/read/age kernels, the table fitter, the device lab (cycle protocol and its analysis) and the
 * memristive synapse store. Equations and units: params.ts (µS, ms, mV, nJ).
 */
export * from './params.js';
export * from './presets.js';
export * from './models.js';
export { gaussian } from './normal.js';
export * from './array.js';
export * from './store.js';
export * from './lab.js';
export * from './fit.js';
export * from './csv.js';
export * from './svg.js';
