/**
 * Plain-data trees (network snapshots) ⇄ the model file's parts.
 *
 * A snapshot is a tree of objects, arrays, numbers, strings, booleans, nulls and typed arrays.
 * `flattenTree` moves every typed array into a named array entry and every number into a named
 * scalar (so NaN, ±Infinity and −0 survive), leaving a JSON skeleton with markers
 * {"$a": name} / {"$s": name}; `unflattenTree` reverses it and checks that every marker resolves.
 */
import type { JsonValue, ModelArray } from './persist/model-file.js';

export interface FlatTree {
  readonly skeleton: JsonValue;
  readonly arrays: Record<string, ModelArray>;
  readonly scalars: Record<string, number>;
}

export function flattenTree(tree: unknown, prefix: string): FlatTree {
  const arrays: Record<string, ModelArray> = {};
  const scalars: Record<string, number> = {};
  const walk = (v: unknown, path: string): JsonValue => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') {
      scalars[path] = v;
      return { $s: path };
    }
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    if (ArrayBuffer.isView(v)) {
      arrays[path] = v as unknown as ModelArray;
      return { $a: path };
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}.${i}`));
    if (typeof v === 'object') {
      const o: Record<string, JsonValue> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = walk(x, `${path}.${k}`);
      return o;
    }
    throw new Error(`cannot save a value of type ${typeof v} at ${path}.`);
  };
  return { skeleton: walk(tree, prefix), arrays, scalars };
}

export function unflattenTree(skeleton: JsonValue, arrays: Record<string, ModelArray>, scalars: Record<string, number>, source: string): unknown {
  const walk = (v: JsonValue): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
    if (typeof v !== 'object') throw new Error(`${source}: the saved network state holds ${String(v)} where a value belongs (corrupt file).`);
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, JsonValue>;
    if (typeof o['$a'] === 'string' && Object.keys(o).length === 1) {
      const a = arrays[o['$a']];
      if (!a) throw new Error(`${source}: the file refers to array '${o['$a']}' that it does not contain (corrupt or from another version).`);
      return a;
    }
    if (typeof o['$s'] === 'string' && Object.keys(o).length === 1) {
      const s = scalars[o['$s']];
      if (typeof s !== 'number') throw new Error(`${source}: the file refers to scalar '${o['$s']}' that it does not contain (corrupt or from another version).`);
      return s;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = walk(x);
    return out;
  };
  return walk(skeleton);
}

/** A number in a flattened tree that is not finite: where it is and what it is. */
export interface NonFinite {
  /** the array's or scalar's name, e.g. 'net.populations.1.v' */
  readonly name: string;
  /** index in the array, or null for a scalar */
  readonly index: number | null;
  readonly value: number;
}

/**
 * The first NaN or ±Infinity among the float arrays and scalars of a flattened tree, or null.
 * `infinityMeansNever` names the arrays (by their last path segment, e.g. 'nextEvent') whose
 * ±Infinity is a sentinel — a time that never comes — rather than a blown-up value; NaN is
 * refused everywhere. Integer arrays cannot hold either and are skipped. One pass over the data,
 * for saving and loading (never inside a step).
 */
export function firstNonFinite(arrays: Readonly<Record<string, ModelArray>>, scalars: Readonly<Record<string, number>>, infinityMeansNever: ReadonlySet<string>): NonFinite | null {
  for (const [name, a] of Object.entries(arrays)) {
    if (!(a instanceof Float64Array || a instanceof Float32Array)) continue;
    const never = infinityMeansNever.has(name.slice(name.lastIndexOf('.') + 1));
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      // x − x is 0 for every finite x, NaN for NaN and ±Infinity
      if (x - x !== 0 && !(never && x === x)) return { name, index: i, value: x };
    }
  }
  for (const [name, x] of Object.entries(scalars)) {
    if (!Number.isFinite(x)) return { name, index: null, value: x };
  }
  return null;
}
