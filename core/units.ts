/**
 * Physical units at the API boundary.
 *
 * Internally memspike computes in one consistent set of units, chosen so that the products that
 * appear in the models need no conversion factors:
 *
 *   time ms · voltage mV · conductance µS · current nA · energy nJ · frequency Hz · resistance MΩ
 *   (µS · mV = nA;  nA · mV · ms = pJ … energy is given in nJ explicitly;  MΩ · nA = mV)
 *
 * Every user-facing physical parameter accepts either a plain number, read in the internal unit of
 * its dimension, or a string with a unit ('20 ms', '0.1 mV', '81 uS', '81 µS', '0.59 nJ', '1 day').
 * A resistance is read in MΩ (a membrane's rMem: 100 = '100 Mohm'). The one physical field that is
 * not a quantity is the crossbar's wire resistance per segment (IoParams.rowWireResistance,
 * colWireResistance in core/crossbar/params.ts): a plain number in Ω, as its documentation says,
 * because a segment is 10⁻⁴–1 Ω.
 * Strings are parsed with mathjs — at build time only, never inside a step. In Node mathjs is loaded
 * on the first unit string, not at import (core/mathjs-node.ts): loading it is most of a cold start,
 * and a command that parses no unit string should not pay for it. Browsers get it with the bundle
 * (core/mathjs-browser.ts); the package's "imports" map ('#mathjs-loader') picks one.
 */
import type { Unit } from 'mathjs';
import { loadMathjsUnit } from '#mathjs-loader';

/** mathjs's `unit(text)`. */
export type MathjsUnitParser = (text: string) => Unit;
let unitParser: MathjsUnitParser | undefined;

function mathUnit(text: string): Unit {
  unitParser ??= loadMathjsUnit();
  return unitParser(text);
}

/** The dimensions memspike parameters can have, with their internal unit. */
export const INTERNAL_UNITS = Object.freeze({
  time: 'ms',
  voltage: 'mV',
  conductance: 'uS',
  current: 'nA',
  energy: 'nJ',
  frequency: 'Hz',
  resistance: 'Mohm',
  capacitance: 'pF',
  charge: 'pC',
  power: 'uW',
} as const);

export type Dimension = keyof typeof INTERNAL_UNITS;

/** A physical value: a number in the internal unit of its dimension, or a string with a unit. */
export type Quantity = number | string;

/** Human-readable internal unit (µ rather than u, Ω rather than ohm) for error messages and docs. */
function pretty(u: string): string {
  return u.replace(/^u/, 'µ').replace(/ohm$/, 'Ω');
}

const referenceUnits = new Map<Dimension, Unit>();
function reference(dim: Dimension): Unit {
  let u = referenceUnits.get(dim);
  if (!u) {
    u = mathUnit(`1 ${INTERNAL_UNITS[dim]}`);
    referenceUnits.set(dim, u);
  }
  return u;
}

/**
 * Converts a quantity to the internal unit of `dim`.
 *
 * @param name  the parameter's name, used in error messages (e.g. 'exc.tauMem')
 * @throws Error naming the parameter, the value and the expected unit when the value is NaN or
 *   infinite, a string without a number, an unknown unit, or a unit of another dimension.
 */
export function toInternal(value: Quantity, dim: Dimension, name: string): number {
  const expected = pretty(INTERNAL_UNITS[dim]);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new Error(`${name} = ${value} is not a finite number; give a number in ${expected} or a string such as '${example(dim)}'.`);
    }
    return value;
  }
  if (typeof value !== 'string') {
    throw new Error(`${name} = ${JSON.stringify(value)} has type ${typeof value}; give a number in ${expected} or a string such as '${example(dim)}'.`);
  }
  const text = value.trim().replace(/µ|μ/g, 'u');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*[A-Za-z]/.test(text)) {
    throw new Error(`${name} = '${value}' is not a number with a unit; write it like '${example(dim)}' (a number, a space, a unit of ${dim}).`);
  }
  let parsed: Unit;
  try {
    parsed = mathUnit(text);
  } catch (e) {
    throw new Error(`${name} = '${value}' has a unit mathjs does not know (${(e as Error).message}); expected a unit of ${dim} such as ${expected}.`);
  }
  if (!parsed.equalBase(reference(dim))) {
    throw new Error(`${name} = '${value}' has the wrong dimension: expected ${dim} (e.g. ${expected}), got '${parsed.formatUnits()}'.`);
  }
  const n = parsed.toNumber(INTERNAL_UNITS[dim]);
  if (!Number.isFinite(n)) {
    throw new Error(`${name} = '${value}' is not finite after conversion to ${expected}.`);
  }
  return n;
}

function example(dim: Dimension): string {
  switch (dim) {
    case 'time': return '20 ms';
    case 'voltage': return '-65 mV';
    case 'conductance': return '81 uS';
    case 'current': return '0.5 nA';
    case 'energy': return '0.59 nJ';
    case 'frequency': return '63.75 Hz';
    case 'resistance': return '100 Mohm';
    case 'capacitance': return '200 pF';
    case 'charge': return '1 pC';
    case 'power': return '10 uW';
  }
}

/** toInternal for a value that must be strictly positive (time constants, sizes of steps…). */
export function positive(value: Quantity, dim: Dimension, name: string, fix = 'use a positive value'): number {
  const x = toInternal(value, dim, name);
  if (!(x > 0)) throw new Error(`${name} = ${format(value)} must be > 0; ${fix}.`);
  return x;
}

/** toInternal for a value that must be ≥ 0. */
export function nonNegative(value: Quantity, dim: Dimension, name: string, fix = 'use a value ≥ 0'): number {
  const x = toInternal(value, dim, name);
  if (!(x >= 0)) throw new Error(`${name} = ${format(value)} must be ≥ 0; ${fix}.`);
  return x;
}

/** Formats a user value for an error message ('20 ms' stays quoted, numbers stay numbers). */
export function format(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Checks a plain (dimensionless) number; returns it. */
export function finiteNumber(value: unknown, name: string, fix = 'give a finite number'): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${name} = ${format(value)} is not a finite number; ${fix}.`);
  }
  return value;
}

/** Checks a probability in [0, 1]. */
export function probability(value: unknown, name: string): number {
  const p = finiteNumber(value, name, 'give a probability between 0 and 1');
  if (p < 0 || p > 1) throw new Error(`${name} = ${p} is outside [0, 1]; give a probability between 0 and 1.`);
  return p;
}

/** Checks a positive integer (sizes, counts). */
export function positiveInteger(value: unknown, name: string, fix = 'give a whole number ≥ 1'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${name} = ${format(value)} is not a positive integer; ${fix}.`);
  }
  return value;
}

/** Checks a non-negative integer. */
export function nonNegativeInteger(value: unknown, name: string, fix = 'give a whole number ≥ 0'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`${name} = ${format(value)} is not a non-negative integer; ${fix}.`);
  }
  return value;
}

/** Short time units people type ('1d', '2 y') that mathjs does not know, and what they mean. */
const TIME_ALIASES: Readonly<Record<string, string>> = { d: 'day', y: 'year', yr: 'year', w: 'week', wk: 'week' };

/**
 * A quantity typed by a person: a bare number in the internal unit, or a number with a unit,
 * with or without a space ('1 s', '350ms', '1 day', and the short time units d, y, yr, w, wk).
 */
export function parseQuantity(text: string, dim: Dimension, name: string): number {
  const v = text.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) return toInternal(Number(v), dim, name);
  const m = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.+)$/.exec(v);
  if (!m) return toInternal(v, dim, name);
  const u = dim === 'time' && TIME_ALIASES[m[2]] ? TIME_ALIASES[m[2]] : m[2];
  return toInternal(`${m[1]} ${u}`, dim, name);
}
