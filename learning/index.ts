/** memspike learning: traces, STDP rules (pair, triplet, Diehl & Cook, Querlioz), device pulses, homeostasis. */
export * from './traces.js';
export * from './apply.js';
export * from './rules.js';
export * from './homeostasis.js';
