/**
 * `memspike paper`: the seed paper's benchmark in one command (Xhameni & Lombardo 2025, arXiv
 * 2506.17174, §3 and Fig. 3): a 784-500-10 network trained digitally on MNIST (weights cached),
 * deployed on simulated HfOxSy/HfS2 arrays as aihwkit's inference workflow does it
 * (networks/mlp/deploy.ts), and measured over device instances:
 *
 *   digital            the trained network's test accuracy
 *   device             hfs2 at the paper's 30 % device-to-device variation, write-verify, fresh
 *   dtod_sweep         0 … 50 % device-to-device variation, open loop and write-verify
 *   hwat               5 epochs of hardware-aware training for the deployment (networks/mlp/hwat.ts)
 *   drift              1 s … 10 years, hfs2 and reram-drift, ± global compensation, ± HWAT
 *   presets            every device preset, write-verify, fresh
 *   pairs              1, 2, 4 device pairs per weight: accuracy, energy
 *   spiking            the same arrays driven by rate-coded Poisson counts of T ms per image
 *
 * The table goes to stderr as rows finish; stdout gets the table at the end, or with --json only
 * the one JSON object. --quick runs a small version (784-100-10, 2 training epochs, 300 test
 * images, 2 instances, HWAT on 5 000 images). --device-csv runs the table for a device fitted from
 * measured pulse trains (the device lab's CSV: `memspike device curve --csv`).
 */
import type { Command } from 'commander';
import { summaryOf } from './summaries.js';
import { intOption } from '../options.js';

export interface PaperOptions {
  readonly quick?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly plots?: string;
  readonly deviceCsv?: string;
  readonly hidden?: number;
  readonly instances?: number;
  readonly samples?: number;
  readonly epochs?: number;
  readonly hwatEpochs?: number;
  readonly pairsPerWeight?: number;
  readonly seed?: number;
  readonly cache?: string;
  readonly retrain?: boolean;
}

export function register(program: Command): void {
  program
    .command('paper')
    .description(summaryOf('paper'))
    .option('--quick', 'a small version: a 784-100-10 network, 2 training epochs, 300 test images, 2 device instances, 1 HWAT epoch on 5 000 images')
    .option('--json', 'print one JSON object on stdout (the table and progress go to stderr)')
    .option('--quiet', 'no progress lines')
    .option('--plots <DIR>', 'write SVG figures: the device-to-device sweep and accuracy against time (the paper’s Fig. 3b–d), with error bars')
    .option('--device-csv <FILE>', 'run the table for a device fitted from measured pulse trains (CSV: cycle,polarity,pulse,g_uS) instead of hfs2')
    .option('--hidden <N>', 'hidden-layer width, 784-N-10 (default 500, the paper’s; --quick 100)', intOption('--hidden', 1, 4096))
    .option('--instances <N>', 'device instances per figure, mean ± std (default 10; --quick 2)', intOption('--instances', 1))
    .option('--samples <N>', 'test images per evaluation, the first N (default 10000; --quick 300)', intOption('--samples', 1))
    .option('--epochs <N>', 'digital training epochs (default 20; --quick 2); weights are cached per setting', intOption('--epochs', 1))
    .option('--hwat-epochs <N>', 'hardware-aware training epochs (default 5, as the paper; --quick 1)', intOption('--hwat-epochs', 0))
    .option('--pairs-per-weight <N>', 'device pairs per weight in every row but the pairs table (default 1)', intOption('--pairs-per-weight', 1))
    .option('--seed <S>', 'seed of the training and of the device instances (default 1)', intOption('--seed', 0))
    .option('--cache <FILE>', 'the digital weights file (default ~/.cache/memspike/mlp-….mspk, one per setting)')
    .option('--retrain', 'train the digital weights again even if they are cached')
    .action(async (opts: PaperOptions) => {
      const { runPaper } = await import('../paper/run.js');
      await runPaper(opts);
    });
}
