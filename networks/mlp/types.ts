/**
 * A fully connected network (multilayer perceptron) as plain arrays: the shared currency of
 * digital training (networks/mlp/train.ts), the weight cache, hardware-aware training and
 * deployment onto crossbars (networks/mlp/deploy.ts).
 *
 * Layer l maps sizes[l] inputs to sizes[l + 1] outputs: y = x·W_l + b_l, with ReLU after every
 * layer but the last, and softmax on the last (the seed paper's 784-500-10 MNIST network).
 *
 * Trained weights: `digitalWeights()` (networks/mlp/cache-node.ts, Node: from the cache or trained
 * and cached) or `trainMlp()` / `createMlpTrainer()` (networks/mlp/train.ts, anywhere); inputs are
 * pixel / 255. Their forward pass: `createMlpModel(weights)` (networks/mlp/model.ts) or the
 * one-sample reference `mlpForward(weights, x)` — the same Float32 bits.
 */
export interface MlpWeights {
  /** layer widths, input first: [784, 500, 10] */
  readonly sizes: readonly number[];
  /** weights[l]: sizes[l] × sizes[l + 1], row-major by input: W_l[i · nOut + j] from input i to output j */
  readonly weights: readonly Float32Array[];
  /** biases[l]: sizes[l + 1] */
  readonly biases: readonly Float32Array[];
}
