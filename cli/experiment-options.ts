/**
 * The flags of `train`, `experiment`, `eval` and `bench dc`, and how they map to spec fields
 * (networks/diehl-cook/spec.ts). One table, one set of defaults (the spec's): a flag that is not
 * given leaves its field to the spec's default, so `--help` shows those defaults and which store
 * they apply to. Errors of the spec name a field; `flagError` says them with the flag that set it.
 */
import { statSync, type Stats } from 'node:fs';
import type { Command } from 'commander';
import { DEVICE_PRESETS } from '../core/devices/presets.js';
import { ROUNDINGS } from '../learning/apply.js';
import { RULES } from '../learning/rules.js';
import { COMMON_DEFAULTS, DEVICE_DEFAULTS, MAX_D2D, MAX_W_MAX } from '../networks/diehl-cook/spec.js';
import { LABEL_WINDOW } from '../networks/diehl-cook/readout.js';
import { isPlainObject, SpecError, showValue } from '../networks/experiment/spec-error.js';
import type { DataSource } from '../networks/experiment/data.js';
import { DECIMAL, LIVE_DEFAULT_PORT, portOption } from './options.js';
import { readRegularFile } from '../networks/persist/file-node.js';

/** A flag that sets one top-level spec field. */
interface FieldFlag {
  readonly flag: string;
  readonly field: string;
  readonly help: string;
  readonly parse: (raw: string) => unknown;
}

/** A number if it reads as a decimal one (not 0x10: Number() reads that as 16); otherwise the text, for the spec to refuse with its field's message. */
function numeric(raw: string): unknown {
  const t = raw.trim();
  return DECIMAL.test(t) && Number.isFinite(Number(t)) ? Number(t) : raw;
}
const text = (raw: string): unknown => raw;

const presets = Object.keys(DEVICE_PRESETS).join(', ');
const D = DEVICE_DEFAULTS;

/** The network fields (what a resumed or evaluated model keeps). */
export const NETWORK_FLAGS: readonly FieldFlag[] = [
  { flag: '--neurons <N>', field: 'neurons', help: `excitatory (= inhibitory) neurons (default ${COMMON_DEFAULTS.neurons})`, parse: numeric },
  { flag: '--seed <S>', field: 'seed', help: `seed of every random stream (default ${COMMON_DEFAULTS.seed})`, parse: numeric },
  { flag: '--device <name>', field: 'device', help: `input synapses: float (ideal software weights) or a device preset: ${presets} (default ${COMMON_DEFAULTS.device})`, parse: text },
  { flag: '--cell <kind>', field: 'cell', help: `device presets: single (one device per synapse) or pair (differential, set-only) (default ${D.cell}; not with float)`, parse: text },
  { flag: '--w-max <w>', field: 'wMax', help: `device presets: the weight mapped to a device's full window, in (0, ${MAX_W_MAX}] — weights are conductances relative to the leak (default ${D.wMax}; not with float, whose weights lie in [0, 1])`, parse: numeric },
  { flag: '--rounding <mode>', field: 'rounding', help: `device presets: how a weight change becomes whole pulses: ${ROUNDINGS.join(', ')} (default ${D.rounding}: a digital accumulator per synapse corrected by the read after programming; not with float)`, parse: text },
  { flag: '--device-normalisation <mode>', field: 'deviceNormalisation', help: `device presets: weight normalisation by pulses, or off (default ${D.deviceNormalisation}; not with float, which normalises exactly)`, parse: text },
  { flag: '--d2d <sigma>', field: 'd2d', help: `device presets: device-to-device σ of the step as a fraction in [0, ${MAX_D2D}] (0.3 = 30 %), bounds get half (default: the preset's own; not with float)`, parse: numeric },
  { flag: '--rule <name>', field: 'rule', help: `learning rule: ${Object.keys(RULES).join(', ')} (default ${COMMON_DEFAULTS.rule})`, parse: text },
  { flag: '--normalisation <target>', field: 'normalisation', help: `column-sum normalisation target, at most 784 × the largest weight (1, or --w-max), or off (default ${COMMON_DEFAULTS.normalisation}, Diehl & Cook's)`, parse: (raw) => (raw === 'off' ? null : numeric(raw)) },
];
/** Fields a resumed model may change. */
export const RATE_FLAG: FieldFlag = { flag: '--rate-scale <s>', field: 'rateScale', help: "multiply the rule's learning rates (annealing, e.g. 0.3 for a second pass); a rate times the factor may not exceed 1, a whole weight range per spike (default 1)", parse: numeric };

/** commander's key of a flag ('--w-max <w>' → 'wMax'). */
export function keyOf(flag: string): string {
  return flag
    .split(' ')[0]
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The option name as typed ('--w-max <w>' → '--w-max'). */
export function nameOf(flag: string): string {
  return flag.split(' ')[0];
}

/** Adds the network flags (and --rate-scale) to a command. */
export function addNetworkOptions(cmd: Command): Command {
  for (const f of [...NETWORK_FLAGS, RATE_FLAG]) cmd.option(f.flag, f.help);
  return cmd;
}

/** Adds the data, spec-file and output flags shared by train and experiment. */
export function addRunOptions(cmd: Command, what: { samples: string; labelPass: string }): Command {
  return cmd
    .option('--samples <N>', what.samples)
    .option('--epochs <N>', 'passes over the training samples (default 1)')
    .option('--label-pass <N>', what.labelPass)
    .option('--train-idx <IMAGES,LABELS>', 'train on this IDX image/label pair instead of MNIST (28×28 images)')
    .option('--spec <FILE>', 'take the experiment from this JSON spec file (flags given as well override its fields)')
    .option('--print-spec', 'print the resolved spec as JSON and exit (nothing is run); `--spec` reads it back')
    .option('--resume <FILE>', 'continue a saved model (train more) or an interrupted run (a checkpoint); the network stays as it was trained')
    .option('--out <FILE>', 'save the trained model here (written atomically)')
    .option('--json', 'print the result as one JSON object on stdout (progress and notes go to stderr)')
    .option('--quiet', 'no progress display')
    .option('--live [PORT]', `stream the run to viewers over a WebSocket on 127.0.0.1:PORT (default ${LIVE_DEFAULT_PORT}; 0: any free port); watch it with \`memspike view\` — the run never waits for a viewer`);
}

/** The port of `--live` (null: not given); refuses anything but a port. */
export function livePort(opts: Record<string, unknown>): number | null {
  const raw = opts['live'];
  if (raw === undefined || raw === false) return null;
  if (raw === true) return LIVE_DEFAULT_PORT;
  return portOption('--live', LIVE_DEFAULT_PORT)(String(raw));
}

/** The label-pass help shared by train and experiment. */
export const LABEL_PASS_HELP = `after training, label the neurons by Diehl & Cook's protocol: a frozen pass over the last N images of the training set (≤ ${LABEL_WINDOW}); 0: labels from the responses recorded while training (default min(${LABEL_WINDOW}, the images trained on))`;

/** Where each spec field came from (a flag, or the spec file), for error messages. */
export class FieldSources {
  private readonly flags = new Map<string, { flag: string; raw: string }>();
  specFile: string | null = null;

  set(field: string, flag: string, raw: string): void {
    this.flags.set(field, { flag, raw });
  }

  /** The flag that set `field` (or a field under it), if any. */
  flagOf(field: string): { flag: string; raw: string } | undefined {
    return this.flags.get(field) ?? this.flags.get(field.replace(/\..*$/, '')) ?? this.flags.get(field.replace(/\.[^.]*$/, ''));
  }

  /** Turns a SpecError into the CLI's words (the flag and what was typed), other errors unchanged. */
  translate(e: unknown): Error {
    if (!(e instanceof SpecError)) return e instanceof Error ? e : new Error(String(e));
    const f = this.flagOf(e.field);
    if (f) return new Error(`${f.flag}${f.raw === '' ? '' : ` ${f.raw}`}: ${e.problem}`);
    if (this.specFile) return new Error(`${this.specFile}: ${e.field} = ${showValue(e.value)}: ${e.problem}`);
    return new Error(e.message);
  }
}

/** The values of the given network flags as spec fields, recording where they came from. */
export function networkFields(opts: Record<string, unknown>, sources: FieldSources, flags: readonly FieldFlag[] = [...NETWORK_FLAGS, RATE_FLAG]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of flags) {
    const raw = opts[keyOf(f.flag)];
    if (raw === undefined) continue;
    out[f.field] = f.parse(String(raw));
    sources.set(f.field, nameOf(f.flag), String(raw));
  }
  return out;
}

/** The flags given on the command line among `flags` (by name), e.g. to refuse them where they do not apply. */
export function givenFlags(opts: Record<string, unknown>, flags: readonly string[]): string[] {
  return flags.filter((f) => opts[keyOf(f)] !== undefined);
}

/**
 * The value of a schedule flag (a sample count), read as a number when it looks like one, and
 * recorded as the source of `field`; the spec checks its range and names the flag in its error.
 */
export function scheduleFlag(opts: Record<string, unknown>, flag: string, sources: FieldSources, field: string): number | undefined {
  const raw = opts[keyOf(flag)];
  if (raw === undefined) return undefined;
  sources.set(field, nameOf(flag), String(raw));
  return numeric(String(raw)) as number;
}

/** `IMAGES,LABELS` → a data source; each must be an existing file (not a folder), checked before any work. */
export function idxPair(raw: string, flag: string): DataSource {
  const parts = raw.split(',');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`${flag} ${raw}: give IMAGES,LABELS (two IDX file paths separated by a comma).`);
  for (const part of parts) {
    let st: Stats;
    try {
      st = statSync(part);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(`${flag} ${raw}: ${part} ${code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? (e as Error).message})`}; give IMAGES,LABELS, two IDX files.`);
    }
    if (st.isDirectory()) throw new Error(`${flag} ${raw}: ${part} is a directory; give IMAGES,LABELS, two IDX files.`);
  }
  return { images: parts[0], labels: parts[1] };
}

/** Reads a JSON spec file (an object of spec fields). */
export function readSpecFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    // a regular file of bounded size: a device such as /dev/zero would grow memory until the process dies
    text = new TextDecoder().decode(readRegularFile(path, '--spec'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    throw new Error(code === 'ENOENT' ? `--spec ${path}: no such file; write one with \`memspike train --print-spec > ${path}\`.` : `--spec ${path}: cannot read it (${(e as Error).message}).`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`--spec ${path}: not valid JSON (${(e as Error).message}).`);
  }
  if (!isPlainObject(v)) throw new Error(`--spec ${path}: must hold one JSON object of spec fields, found ${showValue(v)}.`);
  return v;
}
