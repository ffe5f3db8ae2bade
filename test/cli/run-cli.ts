/** Runs the built CLI (dist/, built by `npm test`'s tsc step) and parses its last stdout line as JSON. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

export function runCli(args: string[], timeout = 300_000, env: Record<string, string> = {}): { code: number; stdout: string; stderr: string; last: Record<string, unknown> | null } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout, env: { ...process.env, MEMSPIKE_DEBUG: '', ...env } });
  const lines = (r.stdout ?? '').trim().split('\n');
  let last: Record<string, unknown> | null = null;
  try {
    last = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  } catch {
    last = null;
  }
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', last };
}
