/**
 * mathjs for the unit parser, in a browser: imported with the bundle, since a browser cannot load a
 * module synchronously on first use as Node does. Chosen by the package's "imports" map
 * ('#mathjs-loader', "browser" condition); same signature as core/mathjs-node.ts.
 */
import { unit } from 'mathjs';
import type { MathjsUnitParser } from './units.js';

export function loadMathjsUnit(): MathjsUnitParser {
  return unit;
}
