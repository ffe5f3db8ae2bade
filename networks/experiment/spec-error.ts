/**
 * Errors of experiment specs. A SpecError names the spec field (a path such as `wMax` or
 * `schedule[2].samples`), the value found and the fix, so that any front end can say it in its
 * own words: the CLI replaces the field by the flag that set it, the viewer by the control, a
 * sweep by the axis. networks/ never names a flag.
 */

export class SpecError extends Error {
  /** path of the offending field, e.g. 'wMax', 'schedule[1].samples', 'data.train' */
  readonly field: string;
  /** the value found (as given) */
  readonly value: unknown;
  /** what is wrong and how to fix it, without the field and value */
  readonly problem: string;

  constructor(field: string, value: unknown, problem: string) {
    super(`${field} = ${showValue(value)}: ${problem}`);
    this.name = 'SpecError';
    this.field = field;
    this.value = value;
    this.problem = problem;
  }
}

/** A value as a spec file would show it (JSON), shortened. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** Whether `v` is a plain JSON object (not null, not an array). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Throws a SpecError for the first key of `obj` that is not in `known` (typos are errors, not ignored). */
export function checkKnownKeys(obj: Record<string, unknown>, known: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      const near = known.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2);
      throw new SpecError(path === '' ? key : `${path}.${key}`, obj[key], `is not a field of ${path === '' ? 'an experiment spec' : path}${near ? ` — did you mean '${near}'?` : ''}; known fields: ${known.join(', ')}.`);
    }
  }
}

/** A whole number in [min, max]. */
export function wholeNumber(v: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER, fix = ''): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new SpecError(field, v, `must be a whole number${fix ? `; ${fix}` : ''}.`);
  if (v < min || v > max) throw new SpecError(field, v, `must be ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`}${fix ? `; ${fix}` : ''}.`);
  return v;
}

/** A finite number with lower/upper limits (open or closed). */
export function finiteIn(v: unknown, field: string, range: { min?: number; minOpen?: boolean; max?: number }, fix: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new SpecError(field, v, `must be a finite number; ${fix}.`);
  const { min, minOpen, max } = range;
  if (min !== undefined && (minOpen ? !(v > min) : !(v >= min))) throw new SpecError(field, v, `must be ${minOpen ? '>' : '≥'} ${min}; ${fix}.`);
  if (max !== undefined && !(v <= max)) throw new SpecError(field, v, `must be ≤ ${max}; ${fix}.`);
  return v;
}

/** One of a list of strings. */
export function oneOf<T extends string>(v: unknown, field: string, options: readonly T[], fix = ''): T {
  if (typeof v !== 'string' || !options.includes(v as T)) throw new SpecError(field, v, `is not one of ${options.map((o) => `'${o}'`).join(', ')}${fix ? `; ${fix}` : ''}.`);
  return v as T;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}
