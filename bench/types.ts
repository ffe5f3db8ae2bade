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
  /**
   * The memory a run needs, estimated from its options before anything is allocated, so that the
   * CLI refuses a size that cannot fit (cli/resources.ts): the option that sets the size (its flag
   * and value) and the estimate — bytes, and optionally the longest typed array [elements] — as
   * functions of that value, the other options held. Null: nothing large.
   */
  memory?(opts: Record<string, unknown>): BenchMemory | null;
  /** Runs the benchmark; `log` prints progress lines (never the JSON). Returns the result object. */
  run(opts: Record<string, unknown>, log: (line: string) => void): Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** See Benchmark.memory. */
export interface BenchMemory {
  /** the flag that sets the size, e.g. '--n' */
  readonly flag: string;
  readonly value: number;
  /** estimated bytes for a value v of the flag */
  bytes(v: number): number;
  /** the longest typed array for a value v [elements] */
  arrayLength?(v: number): number;
}
