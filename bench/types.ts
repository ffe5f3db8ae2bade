/**
 * A benchmark driver behind `memspike bench <name>`. Drivers declare their options as data; the
 * CLI turns them into flags (bench/ depends on networks/, never on cli/).
 */

/** One option of a benchmark: `--rows <n>` parsed as a whole number ≥ min, and so on. */
export interface BenchOption {
  /** commander flag syntax, e.g. '--rows <n>' */
  readonly flag: string;
  /** key of the parsed value in `opts` (commander's camel case of the flag) */
  readonly key: string;
  readonly description: string;
  /** 'int' (whole number ≥ min), 'number' (finite ≥ min), 'time' (ms or a string with a unit), 'string' */
  readonly type: 'int' | 'number' | 'time' | 'string';
  readonly min?: number;
  readonly default: number | string;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  readonly options: readonly BenchOption[];
  /** takes the experiment flags of `memspike train` too; the resolved spec arrives as opts.spec */
  readonly experiment?: boolean;
  /** Runs the benchmark; `log` prints progress lines (never the JSON). Returns the result object. */
  run(opts: Record<string, unknown>, log: (line: string) => void): Promise<Record<string, unknown>> | Record<string, unknown>;
}
