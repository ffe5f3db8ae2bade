/**
 * The figures of `memspike paper --plots DIR` (the seed paper's Fig. 3b–d): accuracy against
 * device-to-device variation, open loop and write-verify; accuracy against time after programming
 * on a log axis, with and without global drift compensation and HWAT. Points are means over
 * device instances, error bars ± one standard deviation, the digital accuracy a reference line.
 */
import { lineChartSvg } from '../figures/charts.js';

interface Stat {
  readonly mean: number;
  readonly std: number;
}
interface Context {
  /** hidden-layer width (784-hidden-10) */
  readonly hidden: number;
  readonly instances: number;
  readonly samples: number;
  readonly deviceName: string;
}

/** y range [%] covering every point with its error bar and the reference, padded a little. */
function yAxis(values: readonly Stat[], reference: number): { lo: number; hi: number } {
  let lo = reference;
  let hi = reference;
  for (const v of values) {
    lo = Math.min(lo, v.mean - v.std);
    hi = Math.max(hi, v.mean + v.std);
  }
  const pad = Math.max(0.1, (hi - lo) * 0.08);
  return { lo: Math.max(0, lo - pad), hi: Math.min(100, hi + pad) };
}

export function dtodSvg(sweep: { open_loop: { dtod: number; accuracy: Stat }[]; write_verify: { dtod: number; accuracy: Stat }[] }, digital: number, c: Context): string {
  const all = [...sweep.open_loop, ...sweep.write_verify].map((p) => p.accuracy);
  return lineChartSvg({
    title: `Accuracy against device-to-device variation (${c.deviceName})`,
    subtitle: `784-${c.hidden}-10 on MNIST, ${c.samples} test images; mean ± std over ${c.instances} device instances\ndifferential pairs, 8-bit DAC/ADC, 256 × 256 arrays, read at programming`,
    xLabel: 'device-to-device variation [%]',
    yLabel: 'test accuracy [%]',
    x: { lo: 0, hi: 50 },
    y: yAxis(all, digital),
    series: [
      { name: 'open loop', points: sweep.open_loop.map((p) => ({ x: 100 * p.dtod, y: p.accuracy.mean, yErr: p.accuracy.std })) },
      { name: 'write-verify', points: sweep.write_verify.map((p) => ({ x: 100 * p.dtod, y: p.accuracy.mean, yErr: p.accuracy.std })) },
    ],
    refLines: [{ y: digital, label: `digital ${digital.toFixed(2)} %` }],
  });
}

interface DriftRow {
  readonly time: string;
  readonly ageMs: number;
  readonly compensated: Stat;
  readonly uncompensated: Stat;
}

export function driftSvg(name: string, d: { plain: readonly DriftRow[]; hwat: readonly DriftRow[] }, digital: number, c: Context): string {
  const seconds = (r: DriftRow): number => r.ageMs / 1000;
  const points = (rows: readonly DriftRow[], key: 'compensated' | 'uncompensated') => rows.map((r) => ({ x: seconds(r), y: r[key].mean, yErr: r[key].std, data: { time: r.time } }));
  const all = [...d.plain, ...d.hwat].flatMap((r) => [r.compensated, r.uncompensated]);
  return lineChartSvg({
    title: `Accuracy against time after programming (${name})`,
    subtitle: `784-${c.hidden}-10 on MNIST, ${c.samples} test images; mean ± std over ${c.instances} device instances\nwrite-verify, 30 % device-to-device variation; HWAT: hardware-aware training`,
    xLabel: 'time after programming [s] (log)',
    yLabel: 'test accuracy [%]',
    x: {
      lo: 0.5,
      hi: 6e8,
      log: true,
      ticks: [
        { value: 1, label: '1 s' },
        { value: 3600, label: '1 h' },
        { value: 86400, label: '1 d' },
        { value: 2.592e6, label: '1 mo' },
        { value: 3.15576e7, label: '1 y' },
        { value: 3.15576e8, label: '10 y' },
      ],
    },
    y: yAxis(all, digital),
    series: [
      { name: 'compensated', points: points(d.plain, 'compensated') },
      { name: 'uncompensated', points: points(d.plain, 'uncompensated'), dashed: true },
      { name: 'HWAT, compensated', points: points(d.hwat, 'compensated') },
      { name: 'HWAT, uncompensated', points: points(d.hwat, 'uncompensated'), dashed: true },
    ],
    refLines: [{ y: digital, label: `digital ${digital.toFixed(2)} %` }],
  });
}
