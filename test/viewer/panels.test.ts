/**
 * The DOM-free parts of the viewer's Canvas2D panels (viewer/panels/): CSV export (RFC 4180
 * quoting, full-precision numbers, round trip), nice ticks, histogram bins, the ISI computation,
 * rate binning, the bounded ring buffers and matrix downsampling.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, tableToCsv } from '../../viewer/panels/csv.js';
import { BinnedCounts, EventRing, StepSeries, ThinnedSeries } from '../../viewer/panels/ring.js';
import {
  ageTicks,
  binRates,
  collectIsis,
  downsampleMatrix,
  formatCount,
  formatDuration,
  formatEnergy,
  formatTick,
  groupFactor,
  histogram,
  interSpikeIntervals,
  linearBins,
  logBins,
  logTicks,
  niceDomain,
  niceStep,
  niceTicks,
  ratesFromCounts,
} from '../../viewer/panels/stats.js';

describe('tableToCsv', () => {
  it('writes the header row first, CRLF line ends, and quotes only fields that need it', () => {
    const csv = tableToCsv({
      columns: ['step', 't [ms]', 'name, with comma'],
      rows: [
        [1, 0.5, 'plain'],
        [2, 1, 'say "hi"'],
        [3, 1.5, 'two\nlines'],
        [4, 2, 'cr\rhere'],
      ],
    });
    expect(csv).toBe('step,t [ms],"name, with comma"\r\n1,0.5,plain\r\n2,1,"say ""hi"""\r\n3,1.5,"two\nlines"\r\n4,2,"cr\rhere"\r\n');
  });

  it('writes numbers at full precision: NaN empty, infinities named, −0 kept', () => {
    const csv = tableToCsv({ columns: ['v'], rows: [[0.1 + 0.2], [1e-7], [123456789.123456789], [Number.NaN], [Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY], [-0], [Math.fround(-65.3)]] });
    const fields = csv.split('\r\n').slice(1, -1);
    expect(fields).toEqual(['0.30000000000000004', '1e-7', '123456789.12345679', '', 'Infinity', '-Infinity', '-0', '-65.30000305175781']);
    for (const f of fields.filter((x) => x !== '')) expect(Object.is(Number(f), Number(f))).toBe(true);
    expect(Number(fields[0])).toBe(0.1 + 0.2);
    expect(Object.is(Number(fields[6]), -0)).toBe(true);
  });

  it('writes a table without rows as its header alone', () => {
    expect(tableToCsv({ columns: ['a', 'b'], rows: [] })).toBe('a,b\r\n');
  });

  it('round-trips any strings and doubles through parseCsv', () => {
    const cell = fc.oneof(fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'µ', '−', '1') }), fc.double({ noNaN: true }));
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { maxLength: 6 }), (columns, rows) => {
        const parsed = parseCsv(tableToCsv({ columns, rows }));
        expect(parsed[0]).toEqual(columns);
        expect(parsed.length).toBe(rows.length + 1);
        rows.forEach((row, r) =>
          row.forEach((v, c) => {
            const field = parsed[r + 1][c];
            if (typeof v === 'number') expect(Object.is(Number(field), v)).toBe(true);
            else expect(field).toBe(v);
          }),
        );
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('parseCsv rejects an unclosed quote', () => {
    expect(() => parseCsv('a,"b\r\n')).toThrow(/never closed/);
  });
});

describe('ticks', () => {
  const values = (lo: number, hi: number, n?: number) => niceTicks(lo, hi, n).ticks.map((t) => t.value);
  const labels = (lo: number, hi: number, n?: number) => niceTicks(lo, hi, n).ticks.map((t) => t.label);

  it('steps are 1, 2 or 5 × 10^k', () => {
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(87, 5)).toBe(20);
    expect(niceStep(0.003, 5)).toBeCloseTo(0.0005, 15);
    expect(niceStep(7, 10)).toBe(0.5);
    expect(niceStep(10, 10)).toBe(1);
    for (let k = 0; k < 200; k++) {
      const span = Math.pow(10, (k - 100) / 17);
      const step = niceStep(span, 5);
      const m = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
      expect([1, 2, 5, 10].some((x) => Math.abs(m - x) < 1e-9)).toBe(true);
      const count = Math.floor(span / step) + 1;
      expect(count).toBeGreaterThanOrEqual(2);
      expect(count).toBeLessThanOrEqual(11);
    }
  });

  it('lie inside the range at multiples of the step, without float noise', () => {
    expect(values(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(labels(0, 1)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(values(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(values(-73.2, -48.9)).toEqual([-70, -65, -60, -55, -50]);
    expect(values(0.1, 0.35)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(labels(12.1, 12.6, 3)).toEqual(['12.2', '12.4', '12.6']);
    expect(labels(-1, 1, 2)).toEqual(['-1', '0', '1']);
    expect(values(5, 5)).toEqual([5]);
    expect(values(Number.NaN, 1)).toEqual([]);
  });

  it('label large values with k / M / G and keep 0 unsigned', () => {
    expect(labels(0, 300_000, 3)).toEqual(['0', '100k', '200k', '300k']);
    expect(formatTick(2_500_000, 500_000)).toBe('2.5M');
    expect(formatTick(-0.00001, 0.1)).toBe('0.0');
  });

  it('niceDomain widens to ticks', () => {
    expect(niceDomain(0, 87)).toEqual([0, 100]);
    expect(niceDomain(-71.3, -49.2)).toEqual([-75, -45]);
    expect(niceDomain(3, 3)[0]).toBeLessThan(3);
    expect(niceDomain(3, 3)[1]).toBeGreaterThan(3);
  });

  it('log ticks are decades (with 2 and 5 over short ranges); age ticks use human units', () => {
    expect(logTicks(1, 1e4).map((t) => t.label)).toEqual(['1', '10', '100', '1k', '10k']);
    expect(logTicks(1, 50).map((t) => t.value)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(logTicks(0.5, 0.1)).toEqual([]);
    const ages = ageTicks(1000, 10 * 365.25 * 86_400_000).map((t) => t.label);
    expect(ages[0]).toBe('1 s');
    expect(ages).toContain('1 d');
    expect(ages[ages.length - 1]).toBe('10 yr');
  });

  it('formats durations, energies and counts', () => {
    expect(formatDuration(86_400_000)).toBe('1 d');
    expect(formatDuration(365.25 * 86_400_000)).toBe('1 yr');
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatEnergy(12.34)).toBe('12.3 nJ');
    expect(formatEnergy(4567)).toBe('4.57 µJ');
    expect(formatEnergy(2.5e6)).toBe('2.5 mJ');
    expect(formatCount(987)).toBe('987');
    expect(formatCount(1_234_567)).toBe('1.23 M');
  });
});

describe('histogram bins', () => {
  it('linear bins include both ends, the top edge in the last bin', () => {
    const b = linearBins(0, 10, 5);
    expect(Array.from(b.edges)).toEqual([0, 2, 4, 6, 8, 10]);
    expect([0, 1.999, 2, 9.999, 10].map((v) => b.index(v))).toEqual([0, 0, 1, 4, 4]);
    expect(b.index(-0.1)).toBe(-1);
    expect(b.index(10.1)).toBe(5);
    expect(b.index(Number.NaN)).toBe(-2);
    const h = histogram([-1, 0, 3, 10, 11, Number.NaN], b);
    expect(Array.from(h.counts)).toEqual([1, 1, 0, 0, 1]);
    expect([h.under, h.over]).toEqual([1, 1]);
    const clamped = histogram([-1, 0, 3, 10, 11], b, true);
    expect(Array.from(clamped.counts)).toEqual([2, 1, 0, 0, 2]);
    expect([clamped.under, clamped.over]).toEqual([0, 0]);
  });

  it('log bins: perDecade per factor of ten, every value in the bin whose edges hold it', () => {
    const b = logBins(1, 1e4, 8);
    expect(b.count).toBe(32);
    expect(b.edges[0]).toBe(1);
    expect(b.edges[8]).toBeCloseTo(10, 12);
    expect(b.edges[32]).toBe(1e4);
    for (let k = 0; k < b.count; k++) {
      expect(b.index(b.edges[k])).toBe(k);
      expect(b.index((b.edges[k] + b.edges[k + 1]) / 2)).toBe(k);
    }
    expect(b.index(1e4)).toBe(31);
    expect(b.index(0.99)).toBe(-1);
    expect(b.index(1e4 + 1)).toBe(32);
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e4, noNaN: true }), (v) => {
        const k = b.index(v);
        expect(v).toBeGreaterThanOrEqual(b.edges[k]);
        if (k < b.count - 1) expect(v).toBeLessThan(b.edges[k + 1]);
      }),
      { numRuns: 500, seed: 15 },
    );
  });
});

describe('inter-spike intervals', () => {
  it('come from consecutive spikes of the same neuron, in ms', () => {
    // neuron 0 at steps 0, 10, 30; neuron 1 at 5, 6; neuron 2 once
    const steps = [0, 5, 6, 7, 10, 30];
    const indices = [0, 1, 1, 2, 0, 0];
    expect(Array.from(interSpikeIntervals(steps, indices, 3, 0.5))).toEqual([0.5, 5, 10]);
  });

  it('give the same intervals when the spikes come in frames as in one batch', () => {
    const spikes = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 7 })), { maxLength: 200 });
    fc.assert(
      fc.property(spikes, fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }), (gaps, cuts) => {
        // time-ordered spikes: step advances by the first number
        let step = 0;
        const steps: number[] = [];
        const indices: number[] = [];
        for (const [dStep, i] of gaps) {
          step += dStep;
          steps.push(step);
          indices.push(i);
        }
        const batch = Array.from(interSpikeIntervals(steps, indices, 8, 0.1));
        const last = new Int32Array(8).fill(-1);
        const framed: number[] = [];
        let at = 0;
        for (let k = 0; at < steps.length; k++) {
          const end = Math.min(steps.length, at + cuts[k % cuts.length]);
          collectIsis(steps.slice(at, end), indices.slice(at, end), 0.1, last, (_s, isi) => framed.push(isi));
          at = end;
        }
        expect(framed).toEqual(batch);
        // one interval per spike of a neuron after its first, none for two spikes in one step
        const distinct = new Set(steps.map((s, k) => `${s}:${indices[k]}`));
        const neurons = new Set(indices);
        expect(batch.length).toBe(distinct.size - neurons.size);
        for (const isi of batch) expect(isi).toBeGreaterThan(0);
      }),
      { numRuns: 200, seed: 15 },
    );
  });

  it('report the step of the later spike and ignore indices outside the population', () => {
    const got: [number, number][] = [];
    const last = new Int32Array(2).fill(-1);
    collectIsis([1, 2, 4, 9], [0, 5, 0, -1], 1, last, (s, isi) => got.push([s, isi]));
    expect(got).toEqual([[4, 3]]);
    expect(Array.from(last)).toEqual([4, -1]);
  });
});

describe('rate binning', () => {
  it('divides counts by neurons and bin width', () => {
    // 10 neurons, bins of 20 steps at dt 0.5 ms = 10 ms: one spike → 1 / (10 · 0.01 s) = 10 Hz
    const r = binRates([0, 5, 19, 20, 45, 60, 99], 10, 0, 20, 4, 0.5);
    expect(Array.from(r)).toEqual([30, 10, 10, 10]);
    expect(Array.from(binRates([0, 5], 10, 10, 20, 1, 0.5))).toEqual([0]);
    expect(Array.from(ratesFromCounts([4], 0, 10))).toEqual([Number.NaN]);
  });

  it('BinnedCounts gives the same counts incrementally, over a bounded run of bins', () => {
    const b = new BinnedCounts(8, 2, 20);
    const spikes = [0, 5, 19, 20, 45, 60, 99, 150];
    // frames [0, 37), [37, 100), [100, 160)
    for (const [from, to] of [
      [0, 37],
      [37, 100],
      [100, 160],
    ]) {
      b.cover(from, to);
      for (const s of spikes) if (s >= from && s < to) b.add(0, s);
    }
    expect([b.lo, b.hi]).toEqual([0, 8]);
    const counts = Array.from({ length: 8 }, (_, k) => b.count(0, k));
    expect(counts).toEqual([3, 1, 1, 1, 1, 0, 0, 1]);
    expect(Array.from({ length: 8 }, (_, k) => b.covered(k))).toEqual([20, 20, 20, 20, 20, 20, 20, 20]);
    expect(b.count(1, 0)).toBe(0);
    const batch = binRates(spikes, 10, 0, 20, 8, 0.5);
    expect(Array.from(ratesFromCounts(counts, 10, 20 * 0.5))).toEqual(Array.from(batch));
    // moving on forgets the oldest bins
    b.cover(160, 200);
    expect([b.lo, b.hi]).toEqual([2, 10]);
    expect(b.count(0, 0)).toBe(0);
    expect(b.covered(1)).toBe(0);
    // a partly seen bin says how much of it was seen
    b.cover(200, 205);
    expect(b.covered(10)).toBe(5);
    // a jump beyond the capacity starts afresh
    b.cover(10_000, 10_010);
    expect([b.lo, b.hi]).toEqual([500, 501]);
    expect(b.covered(500)).toBe(10);
  });

  it('groupFactor keeps the drawn bins under a limit with factors 1, 2, 5, 10 …', () => {
    expect(groupFactor(100, 200)).toBe(1);
    expect(groupFactor(300, 200)).toBe(2);
    expect(groupFactor(3000, 200)).toBe(20);
    expect(groupFactor(1001, 200)).toBe(10);
  });
});

describe('rings', () => {
  it('EventRing keeps the last capacity events in step order and finds ranges', () => {
    const r = new EventRing(4);
    r.pushAll([1, 2, 2, 5, 7, 9], [10, 20, 21, 50, 70, 90]);
    expect(r.length).toBe(4);
    expect([r.oldestStep, r.newestStep]).toEqual([2, 9]);
    const got: number[] = [];
    r.forEachIn(3, 9, (_s, v) => got.push(v));
    expect(got).toEqual([50, 70]);
    expect(r.countIn(0, 100)).toBe(4);
    expect(r.lowerBound(6)).toBe(2);
    r.clear();
    expect(r.length).toBe(0);
    expect(Number.isNaN(r.oldestStep)).toBe(true);
  });

  it('StepSeries holds a contiguous run of steps, NaN in gaps, bounded by its capacity', () => {
    const s = new StepSeries(10, 2);
    s.write(100, [[1, 2, 3], [4, 5, 6]]);
    expect([s.lo, s.hi]).toEqual([100, 103]);
    expect(s.get(1, 102)).toBe(6);
    s.write(105, [[7], [8]]);
    expect(s.get(0, 103)).toBeNaN();
    expect(s.get(0, 105)).toBe(7);
    s.write(106, [Array.from({ length: 8 }, (_, k) => k), Array.from({ length: 8 }, () => 0)]);
    expect([s.lo, s.hi]).toEqual([104, 114]);
    expect(s.get(0, 100)).toBeNaN();
    expect(s.get(0, 113)).toBe(7);
    // far ahead: restarts
    s.write(1000, [[1], [1]]);
    expect([s.lo, s.hi]).toEqual([1000, 1001]);
  });

  it('StepSeries.envelope gives each column its first, lowest, highest and last value', () => {
    const s = new StepSeries(100, 1);
    s.write(10, [[5, 1, 9, 4, 2, 8, Number.NaN, 3]]);
    // steps [10, 18) in 2 columns of 4 steps; column 1 skips the NaN
    expect(Array.from(s.envelope(0, 10, 18, 2))).toEqual([5, 1, 9, 4, 2, 2, 8, 3]);
    // a window reaching before the data: empty columns are NaN
    const e = Array.from(s.envelope(0, 2, 18, 4));
    expect(e.slice(0, 8).every((v) => Number.isNaN(v))).toBe(true);
    expect(e.slice(8)).toEqual([5, 1, 9, 4, 2, 2, 8, 3]);
    // across the ring's wrap
    const w = new StepSeries(4, 1);
    w.write(0, [[1, 2, 3, 4, 5, 6]]);
    expect([w.lo, w.hi]).toEqual([2, 6]);
    expect(Array.from(w.envelope(0, 2, 6, 1))).toEqual([3, 3, 6, 6]);
  });

  it('ThinnedSeries stays within its capacity and always holds the newest point', () => {
    const t = new ThinnedSeries(16);
    for (let k = 0; k < 1000; k++) {
      t.push(k, k, k * 2);
      expect(t.n).toBeLessThanOrEqual(16);
      if (t.xs[t.n - 1] !== k) expect.fail(`newest point ${t.xs[t.n - 1]}, pushed ${k}`);
    }
    for (let i = 1; i < t.n; i++) expect(t.xs[i]).toBeGreaterThan(t.xs[i - 1]);
    expect(t.xs[0]).toBe(0);
    expect(t.n).toBeGreaterThanOrEqual(8);
  });
});

describe('downsampleMatrix', () => {
  it('reduces by mean or max, transposed on request', () => {
    // 2 rows × 4 cols
    const m = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(Array.from(downsampleMatrix(m, 2, 4, 1, 2))).toEqual([3.5, 5.5]);
    expect(Array.from(downsampleMatrix(m, 2, 4, 2, 2, { reduce: 'max' }))).toEqual([2, 4, 6, 8]);
    // transposed: display rows are the 4 source columns, display columns the 2 source rows
    expect(Array.from(downsampleMatrix(m, 2, 4, 4, 2, { transpose: true }))).toEqual([1, 5, 2, 6, 3, 7, 4, 8]);
    expect(Array.from(downsampleMatrix(m, 2, 4, 2, 1, { transpose: true, reduce: 'max' }))).toEqual([6, 8]);
    // never more cells than elements; map applied first
    expect(downsampleMatrix(m, 2, 4, 100, 100).length).toBe(8);
    expect(Array.from(downsampleMatrix(m, 2, 4, 1, 1, { map: (v) => v / 8, reduce: 'max' }))).toEqual([1]);
  });
});
