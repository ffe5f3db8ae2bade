/**
 * memspike's Node-only helpers ('memspike/node'): MNIST and other IDX files from disk, and model
 * files written atomically and read with validation. Named exports, pinned by test/api.test.ts.
 */
export { loadMnist, loadIdxPair, readIdxFile, mnistDataDir, mnistPaths, loadDataSource } from './networks/datasets/idx-node.js';
export type { MnistSplit, LoadMnistOptions } from './networks/datasets/idx-node.js';
export { writeModelFile, readModelFile, writeFileAtomic, readRegularFile, MAX_READ_BYTES } from './networks/persist/file-node.js';
