/** The live stream a viewer shows: its messages and their codec (frame.ts), and the sources that produce them (source.ts). */
export * from './frame.js';
export * from './source.js';
export * from './analysis.js';
