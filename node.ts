/** memspike's Node-only helpers: MNIST/IDX files from disk and model files (atomic writes). */
export * from './networks/datasets/idx-node.js';
export * from './networks/persist/file-node.js';
