/**
 * mathjs for the unit parser, in Node: loaded synchronously on the first unit string (through
 * require; mathjs ships a CommonJS build), because loading it is most of a cold start and most
 * commands parse no unit string. Chosen by the package's "imports" map ('#mathjs-loader', default
 * condition); the browser build gets core/mathjs-browser.ts instead.
 */
import { createRequire } from 'node:module';
import type { MathjsUnitParser } from './units.js';

export function loadMathjsUnit(): MathjsUnitParser {
  return (createRequire(import.meta.url)('mathjs') as { unit: MathjsUnitParser }).unit;
}
