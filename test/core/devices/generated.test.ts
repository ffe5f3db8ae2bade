/**
 * The generated device kernels are those of their sources: core/devices/pulse-kernels.ts of
 * core/devices/pulse-skeleton.ts, and scripts/device-kernels.wat and every WebAssembly module's bytes
 * of their .wat (and templates and layout tables), with wabt assembling each to the same bytes.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const check = (script: string): string => execFileSync(process.execPath, [script, '--check'], { cwd: root, encoding: 'utf8' });

describe('generated kernels are up to date', () => {
  it('pulse-kernels.ts (node scripts/build-device-kernels.mjs)', () => {
    expect(check('scripts/build-device-kernels.mjs')).toMatch(/up to date/);
  });
  it('the WebAssembly kernels, cross-checked by wabt (node scripts/build-wasm.mjs)', () => {
    const out = check('scripts/build-wasm.mjs');
    expect(out.match(/wabt gives the same/g)?.length).toBe(6);
  });
});
