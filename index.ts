/**
 * memspike — the library entry point (Node and browser): the engine (core/), plasticity rules
 * (learning/) and experiment builders (networks/). Node-only file helpers (MNIST loader, model
 * files on disk) are in 'memspike/node'.
 */
export * from './core/index.js';
export * from './learning/index.js';
export * from './networks/index.js';
