/**
 * The device lab's figure as an SVG string (pure; the CLI writes the file), after the seed paper's
 * Fig. 2d–e: (left) conductance versus pulse number over a whole cycle for every cycle,
 * superimposed, with the mean dashed; (right) the linear ranges: mean ± σ per state and the fitted
 * lines, potentiation and depression.
 */
import type { CycleAnalysis, PulseTrains } from './lab.js';

const W = 960;
const H = 420;
const PAD = { l: 64, r: 16, t: 36, b: 48 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function ticks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? mag * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(Number(v.toPrecision(10)));
  return out;
}

/** Conductance-vs-pulse figure for one device's trains and its analysis. */
export function cycleFigureSvg(title: string, trains: PulseTrains, a: CycleAnalysis): string {
  const P = trains.pot[0].length - 1;
  const cycles = Math.min(trains.pot.length, trains.dep.length);
  let gLo = Infinity;
  let gHi = -Infinity;
  for (const tr of [...trains.pot, ...trains.dep]) for (let k = 0; k < tr.length; k++) { gLo = Math.min(gLo, tr[k]); gHi = Math.max(gHi, tr[k]); }
  const padG = 0.05 * (gHi - gLo || 1);
  gLo -= padG;
  gHi += padG;
  const panelW = (W - 2 * PAD.l - 2 * PAD.r) / 2;
  const ph = H - PAD.t - PAD.b;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`);

  const panel = (x0: number, xMax: number, xLabel: string, label: string, body: (sx: (x: number) => number, sy: (g: number) => number) => void): void => {
    const sx = (x: number): number => x0 + (x / xMax) * panelW;
    const sy = (g: number): number => PAD.t + ph - ((g - gLo) / (gHi - gLo)) * ph;
    parts.push(`<rect x="${x0}" y="${PAD.t}" width="${panelW}" height="${ph}" fill="none" stroke="#444"/>`);
    for (const t of ticks(gLo, gHi)) {
      parts.push(`<line x1="${x0 - 4}" x2="${x0}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#444"/><text x="${x0 - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`);
    }
    for (const t of ticks(0, xMax)) {
      parts.push(`<line x1="${sx(t).toFixed(1)}" x2="${sx(t).toFixed(1)}" y1="${PAD.t + ph}" y2="${PAD.t + ph + 4}" stroke="#444"/><text x="${sx(t).toFixed(1)}" y="${PAD.t + ph + 16}" text-anchor="middle">${t}</text>`);
    }
    parts.push(`<text x="${x0 + panelW / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text>`);
    parts.push(`<text transform="translate(${x0 - 48} ${PAD.t + ph / 2}) rotate(-90)" text-anchor="middle">conductance (µS)</text>`);
    parts.push(`<text x="${x0 + 6}" y="${PAD.t + 14}" font-weight="bold">${esc(label)}</text>`);
    body(sx, sy);
  };

  // (d) every cycle superimposed: x = 0..P potentiation reads, P+1..2P+1 depression reads.
  panel(PAD.l, 2 * P + 1, 'pulse number in cycle', `(d) ${cycles} cycles`, (sx, sy) => {
    const op = Math.max(0.03, Math.min(0.5, 8 / cycles));
    for (let c = 0; c < cycles; c++) {
      const pts: string[] = [];
      for (let k = 0; k <= P; k++) pts.push(`${sx(k).toFixed(1)},${sy(trains.pot[c][k]).toFixed(1)}`);
      for (let k = 0; k <= P; k++) pts.push(`${sx(P + 1 + k).toFixed(1)},${sy(trains.dep[c][k]).toFixed(1)}`);
      parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="#1f77b4" stroke-opacity="${op.toFixed(3)}"/>`);
    }
    const mean: string[] = [];
    for (let k = 0; k <= P; k++) mean.push(`${sx(k).toFixed(1)},${sy(a.pot.mean[k]).toFixed(1)}`);
    for (let k = 0; k <= P; k++) mean.push(`${sx(P + 1 + k).toFixed(1)},${sy(a.dep.mean[k]).toFixed(1)}`);
    parts.push(`<polyline points="${mean.join(' ')}" fill="none" stroke="black" stroke-width="2" stroke-dasharray="6 4"/>`);
  });

  // (e) linear ranges with mean ± σ and fits.
  const x1 = PAD.l * 2 + PAD.r + panelW;
  const span = Math.max(a.pot.end - a.pot.start, a.dep.end - a.dep.start, 1);
  panel(x1, span, 'pulse number in linear range', `(e) ${a.bins} bins, BW ${a.binWidthPot.toFixed(1)}/${a.binWidthDep.toFixed(1)} µS, σ ${a.sigma.toFixed(1)} µS`, (sx, sy) => {
    for (const [s, color] of [[a.pot, '#d62728'], [a.dep, '#2ca02c']] as const) {
      for (let k = s.start; k <= s.end; k++) {
        const x = sx(k - s.start);
        parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${sy(s.mean[k] - s.std[k]).toFixed(1)}" y2="${sy(s.mean[k] + s.std[k]).toFixed(1)}" stroke="${color}"/>`);
        parts.push(`<circle cx="${x.toFixed(1)}" cy="${sy(s.mean[k]).toFixed(1)}" r="3" fill="${color}"/>`);
      }
      const f = (k: number): number => s.intercept + s.slope * k;
      parts.push(`<line x1="${sx(0).toFixed(1)}" y1="${sy(f(s.start)).toFixed(1)}" x2="${sx(s.end - s.start).toFixed(1)}" y2="${sy(f(s.end)).toFixed(1)}" stroke="${color}" stroke-dasharray="4 3"/>`);
    }
    parts.push(`<text x="${x1 + panelW - 6}" y="${PAD.t + ph - 24}" text-anchor="end" fill="#d62728">potentiation R² ${a.pot.r2.toFixed(5)}</text>`);
    parts.push(`<text x="${x1 + panelW - 6}" y="${PAD.t + ph - 8}" text-anchor="end" fill="#2ca02c">depression R² ${a.dep.r2.toFixed(5)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
