import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceCurve, deviceList } from '../../cli/commands/device.js';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

function cli(...args: string[]): { code: number; stdout: string; stderr: string; last: Record<string, unknown> | null } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const lines = r.stdout.trim().split('\n');
  let last: Record<string, unknown> | null = null;
  try { last = JSON.parse(lines[lines.length - 1]); } catch { last = null; }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, last };
}

// dist/ is built by `npm test` (tsc) before vitest runs; rebuilding here would race other CLI tests.

describe('memspike device curve', () => {
  it("prints the paper's figures for hfs2 as the last JSON line", () => {
    const r = cli('device', 'curve', '--preset', 'hfs2', '--cycles', '100', '--json');
    expect(r.code).toBe(0);
    const j = r.last as Record<string, number>;
    for (const key of ['preset', 'cycles', 'pulses_per_train', 'levels', 'bins', 'bin_width_uS_pot', 'bin_width_uS_dep', 'sigma_uS', 'r2_pot', 'r2_dep', 'energy_nJ_per_cycle']) expect(j).toHaveProperty(key);
    expect(j['preset']).toBe('hfs2');
    expect(j['cycles']).toBe(100);
    expect(j['pulses_per_train']).toBe(20);
    expect(j['bins']).toBe(31);
    const near = (x: number, y: number): void => expect(Math.abs(x - y) / y).toBeLessThan(0.1);
    near(j['bin_width_uS_pot'], 81.077);
    near(j['bin_width_uS_dep'], 80.52);
    near(j['sigma_uS'], 23.7);
    near(j['energy_nJ_per_cycle'], 23.74);
    expect(j['r2_pot']).toBeGreaterThanOrEqual(0.998);
    expect(j['r2_dep']).toBeGreaterThanOrEqual(0.998);
  });

  it('writes the figure atomically with --plot and the trains with --csv; --from-csv gives the same analysis', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memspike-device-'));
    const svg = join(dir, 'fig', 'hfs2.svg');
    const csv = join(dir, 'trains.csv');
    const r = cli('device', 'curve', '--preset', 'hfs2', '--cycles', '30', '--seed', '4', '--plot', svg, '--csv', csv, '--json');
    expect(r.code).toBe(0);
    expect(readFileSync(svg, 'utf8').startsWith('<svg')).toBe(true);
    expect(readdirSync(join(dir, 'fig'))).toEqual(['hfs2.svg']); // no temp file left behind
    const m = cli('device', 'curve', '--from-csv', csv, '--json');
    expect(m.code).toBe(0);
    expect(m.last?.['source']).toBe('measured');
    expect(m.last?.['bins']).toBe(r.last?.['bins']);
    expect(m.last?.['sigma_uS']).toBeCloseTo(r.last?.['sigma_uS'] as number, 3);
    expect(m.last?.['energy_nJ_per_cycle']).toBeNull();
  });

  it.each([
    [['--preset', 'nope'], /memspike: unknown device preset 'nope'; known presets: hfs2, agsi, taox-hfox, pcm-gst, epiram, reram-drift, ideal/],
    [['--cycles', '1'], /memspike: --cycles 1: expected a whole number ≥ 2/],
    [['--plot', 'x.png'], /memspike: --plot x\.png: the figure is SVG/],
    [['--from-csv', '/nonexistent/file.csv'], /memspike: --from-csv \/nonexistent\/file\.csv: cannot read the file \(ENOENT\)/],
  ])('rejects %j with one line naming the flag, the value and the fix', (args, re) => {
    const r = cli('device', 'curve', ...args);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(re);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('rejects a CSV that is not a pulse train, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memspike-device-'));
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'time,current\n0,1e-6\n');
    const r = cli('device', 'curve', '--from-csv', f);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lacks column\(s\) cycle, polarity, pulse, g_uS.*header must be 'cycle,polarity,pulse,g_uS'/);
  });

  it('deviceCurve (the command as a function) agrees with the spawned command', () => {
    const { result } = deviceCurve({ preset: 'hfs2', cycles: 100 });
    const r = cli('device', 'curve', '--json');
    expect(r.last).toEqual(JSON.parse(JSON.stringify(result)));
  });
});

describe('memspike device list', () => {
  it('lists every preset with its citation (JSON last line)', () => {
    const r = cli('device', 'list', '--json');
    expect(r.code).toBe(0);
    const presets = (r.last as { presets: Array<Record<string, unknown>> }).presets;
    expect(presets.map((p) => p['name'])).toEqual(['hfs2', 'agsi', 'taox-hfox', 'pcm-gst', 'epiram', 'reram-drift', 'ideal']);
    for (const p of presets) expect(String(p['citation']).length).toBeGreaterThan(10);
    expect(deviceList()[0]['energy_nJ_per_pulse']).toBeCloseTo(0.59, 1);
    const text = cli('device', 'list');
    expect(text.stdout).toContain('arXiv:2506.17174');
  });
});

describe('memspike bench devices', () => {
  it('prints ns per pulse and 24 bytes per device as the last JSON line', () => {
    const r = cli('bench', 'devices', '--json', '--n', '20000', '--reps', '1');
    expect(r.code).toBe(0);
    const j = r.last as Record<string, unknown>;
    expect(j['bytes_per_device']).toBe(24);
    expect(typeof j['ns_per_pulse']).toBe('number');
    expect(Object.keys(j['ns_per_pulse_by_kind'] as object)).toEqual(['linear', 'softBounds', 'power', 'table']);
    expect(existsSync(MAIN)).toBe(true);
  });
});

describe('memspike bench dc', () => {
  it("times the training setting it is given (pairs, 'feedback' rounding, normalisation by pulses) and names it in the JSON line", () => {
    const r = cli('bench', 'dc', '--neurons', '10', '--samples', '2', '--warmup', '0', '--device', 'hfs2', '--cell', 'pair', '--w-max', '0.5', '--rounding', 'feedback', '--device-normalisation', 'pulses', '--json');
    expect(r.code).toBe(0);
    const j = r.last as Record<string, unknown>;
    expect([j['device'], j['cell'], j['w_max'], j['rounding'], j['device_normalisation']]).toEqual(['hfs2', 'pair', 0.5, 'feedback', 'pulses']);
    expect(j['steps_per_sample']).toBe(1000);
    expect(j['ms_per_sample'] as number).toBeGreaterThan(0);
    // CPU time of the same samples: positive, and not more than both cores' worth of the wall time
    expect(j['cpu_ms_per_sample'] as number).toBeGreaterThan(0);
    expect(j['cpu_ms_per_sample'] as number).toBeLessThan(2 * (j['ms_per_sample'] as number) + 5);
  });

  it('takes the defaults of memspike train: hfs2 pairs, wMax 0.5, feedback rounding, normalisation by pulses', () => {
    const r = cli('bench', 'dc', '--neurons', '10', '--samples', '1', '--warmup', '0', '--json');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1); // --json: only the JSON object on stdout
    const j = r.last as Record<string, unknown>;
    expect([j['device'], j['cell'], j['w_max'], j['rounding'], j['device_normalisation']]).toEqual(['hfs2', 'pair', 0.5, 'feedback', 'pulses']);
  });

  it('rejects an unknown rounding and device flags with float weights, as memspike train does', () => {
    const r = cli('bench', 'dc', '--rounding', 'nearest', '--samples', '1', '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--rounding nearest: is not one of 'stochastic', 'deterministic', 'accumulate', 'feedback'/);
    expect(cli('bench', 'dc', '--device', 'float', '--cell', 'pair', '--samples', '1').stderr).toMatch(/--cell pair: does not apply to float weights/);
  });
});

describe('memspike bench vmm', () => {
  it('prints vmm/s with both column-sum kernels, the ideal error and the IR-drop error as the last JSON line', () => {
    const r = cli('bench', 'vmm', '--rows', '128', '--cols', '40', '--tile', '32', '--ms', '30', '--json');
    expect(r.code).toBe(0);
    const j = r.last as Record<string, number | boolean>;
    expect(j['rows']).toBe(128); // 128 × 40 ≥ VMM_WASM_MIN_CELLS: the SIMD kernel by default
    expect(j['cols']).toBe(40);
    expect(j['wasm_kernel']).toBe(true);
    for (const key of ['vmm_per_s_ideal', 'vmm_per_s_nonideal', 'vmm_per_s_nonideal_dense', 'vmm_per_s_nonideal_read_noise', 'vmm_per_s_nonideal_js_kernel', 'vmm_per_s_nonideal_dense_js_kernel']) {
      expect(j[key] as number, key).toBeGreaterThan(0);
    }
    // the ideal crossbar is the exact product (issue 3: ≤ 1e-5 relative)
    expect(j['max_rel_err'] as number).toBeLessThanOrEqual(1e-5);
    // the IR-drop approximation is far closer to the nodal solve than ignoring IR drop
    expect(j['ir_drop_max_rel_err'] as number).toBeLessThan((j['ir_drop_uncorrected_rel_err'] as number) / 10);
  });
});
