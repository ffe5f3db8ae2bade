/**
 * The page's script: runs simulate() (simulate.js, which imports 'memspike'), writes the result
 * into <pre id="result"> and draws a spike raster on the canvas.
 *
 * How to run it, from the repository root (after `npx tsc -p tsconfig.json`, which builds dist/):
 *   npx vite examples/browser           dev server; open the printed URL
 *   npx vite build examples/browser     static files in the outDir of vite.config.mjs
 * In a browser build the package's "browser" condition maps '#mathjs-loader' to
 * core/mathjs-browser.js, so mathjs (the unit strings' parser) is bundled into the page.
 */
import { simulate } from './simulate.js';

const out = document.getElementById('result');
try {
  const t0 = performance.now();
  const r = simulate();
  const ms = performance.now() - t0;
  const total = r.counts.reduce((s, c) => s + c, 0);
  const seconds = (r.steps * r.dt) / 1000;
  out.textContent = [
    `simulated ${r.steps * r.dt} ms in ${ms.toFixed(0)} ms of wall time`,
    `spike counts: ${r.counts.join(' ')}`,
    `mean rate: ${(total / r.counts.length / seconds).toFixed(1)} Hz`,
    `device pulses: ${r.pulses}, programming energy ${r.energy_nJ.toFixed(1)} nJ`,
  ].join('\n');
  // the whole result in machine-readable form, for tests and other scripts (JSON numbers round-trip
  // exactly, so a comparison with Node's result is bit for bit)
  out.dataset.result = JSON.stringify(r);
  out.dataset.state = 'done';

  // raster: one dot per spike, time → x, neuron → y
  const canvas = document.getElementById('raster');
  const ctx = canvas.getContext('2d');
  const rows = r.counts.length;
  const tEnd = r.steps * r.dt;
  ctx.fillStyle = '#111';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#6cf';
  for (let k = 0; k < r.spikes.times.length; k++) {
    const x = (r.spikes.times[k] / tEnd) * canvas.width;
    const y = ((r.spikes.neurons[k] + 0.5) / rows) * canvas.height;
    ctx.fillRect(Math.floor(x), Math.floor(y) - 3, 2, 6);
  }
} catch (e) {
  out.textContent = `error: ${e instanceof Error ? e.message : String(e)}`;
  out.dataset.state = 'error';
  throw e;
}
