/**
 * Measured pulse trains as CSV text (parsing only; the CLI reads the file).
 *
 * Format: a header line, then one row per read:
 *
 *   cycle,polarity,pulse,g_uS          (optional column: device)
 *   0,pot,0,2601.3                     pulse 0 = the read before the first pulse of the train
 *   0,pot,1,2683.0
 *   …
 *   0,dep,0,3810.2
 *
 * polarity: pot | dep (also +, -, 1, -1, set, reset). The conductance column may be g_uS, g_mS, g_S
 * or G_uS (unit from its suffix; converted to µS); resistances are not accepted. Every train must
 * list pulses 0..P in order with the same P; every device needs ≥ 2 cycles of both polarities.
 * `writePulseTrainCsv` writes the same format (the lab's `--csv` output round-trips).
 */
import type { PulseTrains } from './lab.js';

const UNIT: Record<string, number> = { us: 1, ms: 1e3, s: 1e6, ns: 1e-3 };

/** Parses CSV text into one PulseTrains per device (in order of first appearance). */
export function parsePulseTrainCsv(text: string, source = 'CSV'): { devices: PulseTrains[]; pulsesPerTrain: number; cycles: number } {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length < 2) throw new Error(`${source}: ${lines.length === 0 ? 'is empty' : 'has a header but no rows'}; expected a header 'cycle,polarity,pulse,g_uS' and one row per read.`);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const col = (names: string[]): number => header.findIndex((h) => names.includes(h));
  const ci = col(['cycle']);
  const pi = col(['polarity', 'phase']);
  const ki = col(['pulse']);
  const di = col(['device']);
  const gi = header.findIndex((h) => /^(g|conductance)_(us|µs|ms|s|ns)$/.test(h));
  const missing = [ci < 0 ? 'cycle' : '', pi < 0 ? 'polarity' : '', ki < 0 ? 'pulse' : '', gi < 0 ? 'g_uS (or g_mS, g_S)' : ''].filter(Boolean);
  if (missing.length) {
    throw new Error(`${source}: header '${lines[0]}' lacks column(s) ${missing.join(', ')}; this is not a pulse-train file — the header must be 'cycle,polarity,pulse,g_uS' (device optional).`);
  }
  const unit = UNIT[header[gi].split('_')[1].replace('µ', 'u')];
  type Key = string;
  const trains = new Map<Key, { dev: string; pol: 'pot' | 'dep'; cycle: number; reads: number[] }>();
  const devOrder: string[] = [];
  for (let li = 1; li < lines.length; li++) {
    const cells = lines[li].split(',').map((c) => c.trim());
    const lineNo = li + 1;
    if (cells.length < header.length) throw new Error(`${source} line ${lineNo}: '${lines[li]}' has ${cells.length} fields, the header has ${header.length}; every row needs cycle, polarity, pulse and conductance.`);
    const cycle = Number(cells[ci]);
    if (!Number.isInteger(cycle) || cycle < 0) throw new Error(`${source} line ${lineNo}: cycle = '${cells[ci]}' is not a whole number ≥ 0; number the cycles 0, 1, 2, …`);
    const polRaw = cells[pi].toLowerCase();
    const pol = ['pot', '+', '1', '+1', 'set', 'potentiation'].includes(polRaw) ? 'pot' : ['dep', '-', '-1', 'reset', 'depression'].includes(polRaw) ? 'dep' : null;
    if (!pol) throw new Error(`${source} line ${lineNo}: polarity = '${cells[pi]}' is not pot or dep; write pot for potentiation (SET) and dep for depression (RESET) reads.`);
    const pulse = Number(cells[ki]);
    if (!Number.isInteger(pulse) || pulse < 0) throw new Error(`${source} line ${lineNo}: pulse = '${cells[ki]}' is not a whole number ≥ 0; pulse 0 is the read before the first pulse of the train.`);
    const g = Number(cells[gi]) * unit;
    if (cells[gi] === '' || !Number.isFinite(g)) throw new Error(`${source} line ${lineNo}: ${header[gi]} = '${cells[gi]}' is not a number; give the read conductance.`);
    if (g < 0) throw new Error(`${source} line ${lineNo}: ${header[gi]} = ${cells[gi]} is negative; conductances are ≥ 0 (did you write a current with its sign?).`);
    const dev = di >= 0 ? cells[di] : '0';
    if (!devOrder.includes(dev)) devOrder.push(dev);
    const key = `${dev}|${pol}|${cycle}`;
    let t = trains.get(key);
    if (!t) { t = { dev, pol, cycle, reads: [] }; trains.set(key, t); }
    if (pulse !== t.reads.length) {
      throw new Error(`${source} line ${lineNo}: pulse = ${pulse} in ${pol} train of cycle ${cycle}${di >= 0 ? ` (device ${dev})` : ''}, expected ${t.reads.length}; list the reads of each train in order 0, 1, 2, … without gaps or repeats.`);
    }
    t.reads.push(g);
  }
  let P = -1;
  for (const t of trains.values()) {
    if (t.reads.length < 4) throw new Error(`${source}: the ${t.pol} train of cycle ${t.cycle} has ${t.reads.length} reads; a pulse train needs ≥ 4 (the read before and ≥ 3 pulses).`);
    if (P < 0) P = t.reads.length - 1;
    else if (t.reads.length - 1 !== P) throw new Error(`${source}: the ${t.pol} train of cycle ${t.cycle} has ${t.reads.length - 1} pulses, others have ${P}; every train must have the same number of pulses.`);
  }
  const devices: PulseTrains[] = [];
  let cycles = Infinity;
  for (const dev of devOrder) {
    const mine = [...trains.values()].filter((t) => t.dev === dev).sort((a, b) => a.cycle - b.cycle);
    const pot = mine.filter((t) => t.pol === 'pot').map((t) => Float64Array.from(t.reads));
    const dep = mine.filter((t) => t.pol === 'dep').map((t) => Float64Array.from(t.reads));
    if (pot.length < 2 || dep.length < 2) {
      throw new Error(`${source}: device ${dev} has ${pot.length} potentiation and ${dep.length} depression train(s); σ per state needs ≥ 2 cycles of each — add cycles.`);
    }
    cycles = Math.min(cycles, pot.length, dep.length);
    devices.push({ pot, dep });
  }
  return { devices, pulsesPerTrain: P, cycles };
}

/** Writes trains in the format parsePulseTrainCsv reads. */
export function writePulseTrainCsv(devices: readonly PulseTrains[]): string {
  const out: string[] = [devices.length > 1 ? 'device,cycle,polarity,pulse,g_uS' : 'cycle,polarity,pulse,g_uS'];
  devices.forEach((d, di) => {
    const cycles = Math.max(d.pot.length, d.dep.length);
    for (let c = 0; c < cycles; c++) {
      for (const [pol, trs] of [['pot', d.pot], ['dep', d.dep]] as const) {
        const tr = trs[c];
        if (!tr) continue;
        for (let k = 0; k < tr.length; k++) out.push(`${devices.length > 1 ? `${di},` : ''}${c},${pol},${k},${Number(tr[k].toPrecision(8))}`);
      }
    }
  });
  return `${out.join('\n')}\n`;
}
