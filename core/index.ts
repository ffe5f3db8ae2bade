/** memspike core: units, randomness, neurons, synapses, devices, crossbar, network, monitors, streams. */
export * from './units.js';
export * from './random.js';
export * from './synapses/store.js';
