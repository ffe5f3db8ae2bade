/**
 * memspike networks: experiment builders, datasets and model files.
 *
 * This barrel exports only the pure modules (no Node APIs), so it runs in a browser Worker too.
 * Node-only file access is imported by path:
 *   networks/datasets/idx-node.ts  — readIdxFile, loadIdxPair, loadMnist
 *   networks/persist/file-node.ts  — writeFileAtomic, writeModelFile, readModelFile
 */
export * from './datasets/idx.js';
export * from './datasets/image-dataset.js';
export * from './datasets/encoding.js';
export * from './persist/crc32.js';
export * from './persist/model-file.js';
export * from './cuba.js';
export * from './diehl-cook/index.js';
export * from './experiment/data.js';
export * from './experiment/spec-error.js';
export * from './experiment/runner.js';
export * from './snapshot-codec.js';
export * from './live/index.js';
