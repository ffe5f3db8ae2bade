/**
 * The API reference (`npm run docs`) builds without a warning: every type the public API refers to
 * is itself exported and documented, and every {@link} resolves (typedoc.json treats warnings as
 * errors). Checked without writing the pages (--emit none).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

it('typedoc validates the public API with no warnings', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const output = `${r.stdout}${r.stderr}`;
  expect(output).not.toMatch(/\[warning\]|\[error\]/);
  expect(r.status).toBe(0);
});
