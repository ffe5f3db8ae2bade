/** memspike — the library entry point (Node and browser). */
export * from './core/index.js';
