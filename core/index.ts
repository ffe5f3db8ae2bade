/** memspike core: units, randomness, neurons, synapses, devices, crossbar, network, monitors, streams. */
export * from './units.js';
export * from './time.js';
export * from './random.js';
export * from './synapses/store.js';
export * from './synapses/connectors.js';
export * from './synapses/projection.js';
export * from './neurons/spikes.js';
export * from './neurons/lif.js';
export * from './neurons/poisson.js';
export * from './neurons/generator.js';
export * from './populations/index.js';
export * from './schedule.js';
export * from './synapses/build.js';
export * from './monitors.js';
export * from './network.js';
export * from './crossbar/index.js';
export * from './devices/index.js';
