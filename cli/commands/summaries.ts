/**
 * One-line summaries of the sub-commands, shared by the command table (cli/commands/index.ts, for
 * `memspike --help` without loading any command) and each command's own `.description()`.
 */
export const COMMAND_SUMMARIES = {
  paper:
    "the seed paper's benchmark: a 784-500-10 MNIST network trained digitally, deployed on simulated HfOxSy/HfS2 arrays (device-to-device sweep, drift ± compensation, HWAT, every preset, pairs per weight, spiking input)",
  demo:
    'a 30-second tour: 100 neurons learn MNIST on hfs2 memristor pairs from 1 000 images, are tested temporally and on a crossbar after a year of drift, and show their receptive fields',
  train:
    "train Diehl & Cook's network on MNIST with memristive (or float) synapses, then label its neurons; --out saves the model",
  experiment:
    'the main experiment (npm start): train, label by a frozen pass, then evaluate by the temporal simulation and by crossbar inference (open-loop; write-verify fresh, after 1 h, 1 day, 1 year with and without drift compensation; the vote readout)',
  eval:
    'evaluate a saved model on the MNIST test set (temporal simulation or crossbar inference); the file is not changed',
  device:
    'memristive device presets and the device lab',
  view:
    'serve the live viewer on http://127.0.0.1:PORT/ (until Ctrl-C): the browser runs the simulation; with MODEL it shows that saved model classifying',
  bench:
    'run a benchmark; with --json stdout holds one JSON object',
  plot:
    'figures of a saved model in a directory: receptive fields (PNG), confusion matrix, thresholds, device conductances and pulse counts, and (--crossbar) accuracy against drift (SVG)',
  sweep:
    'run a sweep — a base experiment spec, axes and repeats — on all cores (worker threads), resumable, as --shard i/n of an array job; `sweep collect DIR` builds its table (CSV, markdown) and plots',
  worker:
    'take the trials of sweeps enqueued with `memspike sweep SPEC --queue redis://HOST:PORT` and run them, each in its own thread (one per machine, as many machines as you like)',
} as const;

export type CommandName = keyof typeof COMMAND_SUMMARIES;

/** The summary of a command, for its module's `.description()`. */
export function summaryOf(name: CommandName): string {
  return COMMAND_SUMMARIES[name];
}
