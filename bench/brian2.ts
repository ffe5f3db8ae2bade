/**
 * What the `--vs brian2` benchmarks share: finding a Python 3 with Brian2 and g++, running one side
 * as a child process that prints a JSON object, and the summaries of alternating rounds.
 *
 * Each side runs in a child process of its own, one at a time, round by round in ABBA order
 * (memspike first in rounds 1, 3, 5, …, Brian2 first in rounds 2, 4, …), so that both start cold in
 * every round, neither inherits the other's heap or JIT state, and a slow minute of a shared machine
 * falls on both sides alike.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

export const BRIAN2_INSTALL = 'apt-get install python3-brian g++';

/** `memspike` itself (dist/cli/main.js), for the memspike side of a round. */
export const MEMSPIKE_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** A peer script in bench/peers/ of the package (dist/bench/x.js → ../../bench/peers/name). */
export function peerScript(name: string): string {
  return fileURLToPath(new URL(`../../bench/peers/${name}`, import.meta.url));
}

/** `--vs <peer>` and `--rounds <n>` of a benchmark, checked: the only peer is brian2, rounds need one. */
export function versusOptions(opts: Record<string, unknown>): { vs: '' | 'brian2'; rounds: number } {
  const vs = (opts['vs'] as string | undefined) ?? '';
  const rounds = (opts['rounds'] as number | undefined) ?? 1;
  if (vs !== '' && vs !== 'brian2') throw new Error(`--vs ${vs}: the only peer is brian2 (--vs brian2, which needs \`${BRIAN2_INSTALL}\`).`);
  if (vs === '' && rounds !== 1) throw new Error(`--rounds ${rounds} alternates memspike with a peer: add --vs brian2.`);
  return { vs, rounds };
}

/** A Python 3 with Brian2 (MEMSPIKE_PYTHON if set, else python3 on PATH, else /usr/bin/python3) and g++. */
export function findBrian2(): { python: string; version: string } {
  const chosen = process.env['MEMSPIKE_PYTHON'];
  const candidates = chosen ? [chosen] : ['python3', '/usr/bin/python3'];
  const tried: string[] = [];
  let found: { python: string; version: string } | null = null;
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import brian2; print(brian2.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error) {
      tried.push(`${python}: not found`);
    } else if (r.status !== 0) {
      tried.push(`${python}: no brian2 module`);
    } else {
      found = { python, version: r.stdout.trim().split('\n').at(-1) ?? '?' };
      break;
    }
  }
  if (!found) throw new Error(`--vs brian2 needs Python 3 with Brian2 (${tried.join('; ')}): install it with \`${BRIAN2_INSTALL}\` (Debian/Ubuntu), or set MEMSPIKE_PYTHON to a python3 that has Brian2.`);
  const gxx = spawnSync('g++', ['--version'], { stdio: 'ignore' });
  if (gxx.error || gxx.status !== 0) throw new Error(`--vs brian2 compiles Brian2's C++ standalone code with g++, which is not installed: \`${BRIAN2_INSTALL}\`.`);
  return found;
}

/** Runs a child process that prints one JSON object as its last stdout line. */
export function runJsonChild(what: string, command: string, args: readonly string[]): Record<string, unknown> {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const tail = (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status ?? r.signal}: ${tail}`);
  const last = (r.stdout ?? '').trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as Record<string, unknown>;
  } catch {
    throw new Error(`${what} printed no JSON object (stdout: ${JSON.stringify(last.slice(0, 200))}; stderr: ${tail})`);
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The machine's 1-minute load average, to 2 decimals. */
export const load1 = (): number => Math.round(loadavg()[0] * 100) / 100;

/** One round: both sides' results, each with the 1-minute load average at its start. */
export interface Round<M, B> {
  readonly order: 'memspike,brian2' | 'brian2,memspike';
  readonly memspike: M & { load: number };
  readonly brian2: B & { load: number };
}

/** Runs `rounds` rounds of both sides in ABBA order, calling `done` after each. */
export function alternate<M, B>(rounds: number, runMemspike: () => M, runBrian2: () => B, done: (round: Round<M, B>, index: number) => void): Round<M, B>[] {
  const withLoad = <T>(run: () => T): T & { load: number } => {
    const load = load1();
    return { ...run(), load };
  };
  const out: Round<M, B>[] = [];
  for (let r = 0; r < rounds; r++) {
    let round: Round<M, B>;
    if (r % 2 === 0) {
      const memspike = withLoad(runMemspike);
      round = { order: 'memspike,brian2', memspike, brian2: withLoad(runBrian2) };
    } else {
      const brian2 = withLoad(runBrian2);
      round = { order: 'brian2,memspike', memspike: withLoad(runMemspike), brian2 };
    }
    out.push(round);
    done(round, r);
  }
  return out;
}
