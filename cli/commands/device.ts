/**
 * `memspike device list` — the device presets with their citations.
 * `memspike device curve` — the device lab: the seed paper's cycle protocol (20 potentiation + 20
 * depression pulses per cycle) on simulated devices, or the same analysis on measured trains
 * (--from-csv); prints the figures of merit, with --json as one JSON object on the last line;
 * --plot writes the conductance-versus-pulse figure (SVG, atomically); --csv writes the trains.
 * Both paths are checked before any work (cli/output-path.ts; missing folders are created), and
 * sizes whose trains, CSV or SVG cannot fit are refused up front (cli/resources.ts).
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { summaryOf } from './summaries.js';
import {
  DEVICE_PRESETS,
  devicePreset,
  fitTableModel,
  labReport,
  nominalStep,
  parsePulseTrainCsv,
  runCycleProtocol,
  writePulseTrainCsv,
  cycleFigureSvg,
  type LabReport,
  type PulseTrains,
} from '../../core/devices/index.js';
import { intOption, rawOption } from '../options.js';
import { checkOutputFile, writeOutputFile } from '../output-path.js';
import { readRegularFile } from '../../networks/persist/file-node.js';
import { checkMemory } from '../resources.js';

/**
 * Memory of the cycle protocol per device and cycle: two trains (potentiation, depression) of P + 1
 * Float64 readings, each a typed array (~120 B of object and backing-store header), and as much
 * again for the analysis (measured: 1.15 GB resident for 10⁶ cycles of 20 + 20 pulses).
 */
function protocolBytes(P: number): number {
  return 2 * ((P + 1) * 8 + 120) * 2;
}
/** The CSV: one row per reading, ~22 characters (measured 21.6), ~60 B while it is built; the SVG: ~14 characters and ~40 B per reading of device 0. */
const CSV_CHARS_PER_ROW = 24;
const CSV_BYTES_PER_ROW = 60;
const SVG_CHARS_PER_POINT = 14;
const SVG_BYTES_PER_POINT = 40;

/** Refuses, before any work, a protocol whose trains, CSV or SVG cannot fit (cli/resources.ts). */
function checkProtocolFits(o: DeviceCurveOptions, cycles: number, devices: number, P: number): void {
  const readings = (c: number, d: number, p: number) => 2 * c * d * (p + 1);
  const bytes = (c: number, d: number, p: number) => c * d * protocolBytes(p) + (o.csv ? CSV_BYTES_PER_ROW * readings(c, d, p) : 0) + (o.plot ? SVG_BYTES_PER_POINT * readings(c, 1, p) : 0);
  const chars = (c: number, d: number, p: number) => Math.max(o.csv ? CSV_CHARS_PER_ROW * readings(c, d, p) : 0, o.plot ? SVG_CHARS_PER_POINT * readings(c, 1, p) : 0);
  const what = `the cycle protocol of ${devices} device(s) × ${cycles} cycles × (${P} + ${P}) pulses${o.csv ? ' with its CSV' : ''}${o.plot ? ' and figure' : ''}`;
  const checks = [
    { flag: '--cycles', value: cycles, ratio: cycles / 100, min: 2, at: (v: number): [number, number, number] => [v, devices, P] },
    { flag: '--devices', value: devices, ratio: devices / 1, min: 1, at: (v: number): [number, number, number] => [cycles, v, P] },
    { flag: '--pulses', value: P, ratio: P / 20, min: 3, at: (v: number): [number, number, number] => [cycles, devices, v] },
  ];
  // name first the flag that is furthest above its default (100 cycles, 1 device, 20 pulses)
  checks.sort((a, b) => b.ratio - a.ratio);
  for (const c of checks) {
    checkMemory(c.flag, rawOption(c.flag) ?? String(c.value), c.value, what, { bytes: (v) => bytes(...c.at(v)), stringLength: (v) => chars(...c.at(v)) }, c.min);
  }
}

export interface DeviceCurveOptions {
  readonly preset?: string;
  readonly cycles?: number;
  readonly devices?: number;
  readonly seed?: number;
  readonly pulses?: number;
  readonly d2d?: boolean;
  readonly plot?: string;
  readonly csv?: string;
  readonly fromCsv?: string;
}

export interface DeviceCurveResult extends LabReport {
  readonly source: 'simulated' | 'measured';
  readonly seed: number | null;
  readonly d2d: boolean;
  /** NeuroSim nonlinearity labels and normA of the fitted laws (device 0). */
  readonly neurosim_nl_pot: number;
  readonly neurosim_nl_dep: number;
  readonly neurosim_norm_a_pot: number;
  readonly neurosim_norm_a_dep: number;
  /** c2c σ per pulse estimated by the table fitter (device 0) [µS]. */
  readonly c2c_uS_per_pulse: number;
}

/** The `device curve` computation (also used by tests). Returns the JSON object and human lines. */
export function deviceCurve(o: DeviceCurveOptions): { result: DeviceCurveResult; lines: string[] } {
  // before any work: the outputs can be written (missing folders are created when writing), and the sizes fit
  if (o.plot !== undefined) {
    if (!/\.svg$/i.test(o.plot)) throw new Error(`--plot ${o.plot}: the figure is SVG; give a file name ending in .svg.`);
    checkOutputFile('--plot', o.plot, { createFolders: true, example: 'curve.svg' });
  }
  if (o.csv !== undefined) checkOutputFile('--csv', o.csv, { createFolders: true, example: 'trains.csv' });
  if (!o.fromCsv) checkProtocolFits(o, o.cycles ?? 100, o.devices ?? 1, o.pulses ?? 20);
  let name: string;
  let devices: readonly PulseTrains[];
  let cycles: number;
  let P: number;
  let energy: number | null = null;
  let readEnergy: number | null = null;
  if (o.fromCsv) {
    if (o.preset) throw new Error(`--preset ${o.preset} and --from-csv ${o.fromCsv} exclude each other: the CSV is the device; drop --preset.`);
    let text: string;
    try {
      // a regular file of bounded size (a device such as /dev/zero would grow memory until the process dies)
      text = new TextDecoder().decode(readRegularFile(o.fromCsv, '--from-csv'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === undefined) throw e;
      throw new Error(`--from-csv ${o.fromCsv}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path.`);
    }
    const parsed = parsePulseTrainCsv(text, `--from-csv ${o.fromCsv}`);
    devices = parsed.devices;
    cycles = parsed.cycles;
    P = parsed.pulsesPerTrain;
    name = basename(o.fromCsv);
  } else {
    const params = devicePreset(o.preset ?? 'hfs2');
    name = params.name;
    const data = runCycleProtocol(params, { cycles: o.cycles ?? 100, devices: o.devices ?? 1, seed: o.seed ?? 1, d2d: o.d2d ?? false, pulsesPerTrain: o.pulses ?? 20 });
    devices = data.devices;
    cycles = data.cycles;
    P = data.pulsesPerTrain;
    energy = data.energyPerCycle_nJ;
    readEnergy = data.readEnergyPerCycle_nJ;
  }
  const { report, analyses } = labReport(name, cycles, P, devices, energy, readEnergy);
  const fit = fitTableModel(devices[0]);
  const result: DeviceCurveResult = {
    ...report,
    source: o.fromCsv ? 'measured' : 'simulated',
    seed: o.fromCsv ? null : (o.seed ?? 1),
    d2d: o.d2d ?? false,
    neurosim_nl_pot: Number(fit.up.nonlinearity.toPrecision(4)),
    neurosim_nl_dep: Number(fit.down.nonlinearity.toPrecision(4)),
    neurosim_norm_a_pot: Number(fit.up.normA.toPrecision(4)),
    neurosim_norm_a_dep: Number(fit.down.normA.toPrecision(4)),
    c2c_uS_per_pulse: Number(fit.c2c.toPrecision(4)),
  };
  if (o.plot) writeOutputFile('--plot', o.plot, cycleFigureSvg(`${name}: ${cycles} cycles × (${P} potentiation + ${P} depression pulses)`, devices[0], analyses[0]), { createFolders: true });
  if (o.csv) writeOutputFile('--csv', o.csv, writePulseTrainCsv(devices), { createFolders: true });
  const lines = [
    `${name}: ${cycles} cycles × ${P} + ${P} pulses, ${devices.length} device(s)${o.fromCsv ? ' (measured)' : o.d2d ? ' with d2d variation' : ' (nominal devices)'}`,
    `  levels per device      ${result.levels}  (linear range pot ${result.linear_range_pot.join('–')}, dep ${result.linear_range_dep.join('–')})`,
    `  differential bins      ${result.bins}  (bin width > 2σ)`,
    `  bin width              ${result.bin_width_uS_pot} µS pot, ${result.bin_width_uS_dep} µS dep`,
    `  σ per state            ${result.sigma_uS} µS`,
    `  R² of linear fits      ${result.r2_pot} pot, ${result.r2_dep} dep`,
    `  energy per cycle       ${result.energy_nJ_per_cycle ?? 'n/a'} nJ (programming), ${result.read_energy_nJ_per_cycle ?? 'n/a'} nJ (reads)`,
    `  NeuroSim nonlinearity  ${result.neurosim_nl_pot} pot, ${result.neurosim_nl_dep} dep (normA ${result.neurosim_norm_a_pot} / ${result.neurosim_norm_a_dep})`,
  ];
  if (o.plot) lines.push(`  figure                 ${o.plot}`);
  if (o.csv) lines.push(`  trains                 ${o.csv}`);
  return { result, lines };
}

/** Rows of `device list`. */
export function deviceList(): Array<Record<string, string | number>> {
  return Object.entries(DEVICE_PRESETS).map(([key, p]) => ({
    name: key,
    kind: p.kind,
    gMin_uS: Number(p.gMin.toPrecision(4)),
    gMax_uS: Number(p.gMax.toPrecision(4)),
    levels: Number(p.levels.toPrecision(4)),
    step_uS: Number(nominalStep(p, 1).toPrecision(4)),
    c2c_uS: Number(p.c2c.toPrecision(3)),
    d2d_step: p.d2d.step,
    drift_nu: p.drift.model === 'pcm' ? 'pcm(g)' : p.drift.nuMean,
    endurance: p.endurance === Infinity ? 'inf' : p.endurance,
    energy_nJ_per_pulse: Number((p.pulse.vUp ** 2 * p.pulse.widthUp * 1e-6 * (p.gMin + p.gMax) / 2).toPrecision(3)),
    citation: p.citation,
  }));
}

export function register(program: Command): void {
  const device = program.command('device').description(summaryOf('device'));
  device
    .command('list')
    .description('list the device presets with their citations')
    .option('--json', 'print one JSON object (last line)')
    .action((opts: { json?: boolean }) => {
      const rows = deviceList();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ presets: rows })}\n`);
        return;
      }
      for (const r of rows) {
        process.stdout.write(`${String(r.name).padEnd(12)} ${String(r.kind).padEnd(10)} G ${r.gMin_uS}–${r.gMax_uS} µS, ${r.levels} levels, step ${r.step_uS} µS, c2c ${r.c2c_uS} µS, d2d ${r.d2d_step}, ν ${r.drift_nu}, endurance ${r.endurance}, ≈${r.energy_nJ_per_pulse} nJ/pulse\n`);
        process.stdout.write(`${''.padEnd(12)} ${r.citation}\n`);
      }
    });
  device
    .command('curve')
    .description("the seed paper's cycle protocol (20 + 20 pulses per cycle) on simulated devices, or its analysis on measured trains")
    .option('--preset <name>', `device preset (${Object.keys(DEVICE_PRESETS).join(', ')}); default hfs2`)
    .option('--cycles <n>', 'programming cycles', intOption('--cycles', 2), 100)
    .option('--pulses <n>', 'pulses per train', intOption('--pulses', 3), 20)
    .option('--devices <n>', 'simulated devices, each analysed separately (figures are means, levels/bins medians)', intOption('--devices', 1), 1)
    .option('--seed <n>', 'random seed', intOption('--seed', 0), 1)
    .option('--d2d', 'include device-to-device variation and stuck-at faults (default: nominal devices)')
    .option('--plot <file.svg>', 'write the conductance-versus-pulse figure (SVG)')
    .option('--csv <file.csv>', 'write the simulated pulse trains as CSV (the --from-csv format)')
    .option('--from-csv <file>', 'analyse measured trains: CSV with header cycle,polarity,pulse,g_uS')
    .option('--json', 'print one JSON object (last line)')
    .action((opts: DeviceCurveOptions & { json?: boolean }) => {
      const { result, lines } = deviceCurve(opts);
      if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else process.stdout.write(`${lines.join('\n')}\n`);
    });
}
