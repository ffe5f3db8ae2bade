/**
 * Crossbar mode: arrays of memristive cells read as vector-matrix products with DAC/ADC, noise,
 * drift and compensation, IR drop, tiling, energy and latency. See crossbar.ts for the model.
 */
export { Crossbar, createCrossbar } from './crossbar.js';
export type { CellKind, CrossbarOptions, ProgramOptions, ProgramReport } from './crossbar.js';
export { IO_IDEAL, IO_HFS2_PAPER, HFS2_WIRE_OHM, ioParams, converterLevels } from './params.js';
export type { IoParams } from './params.js';
export { vmmKernel, quantizeSigned } from './kernel.js';
export type { VmmState } from './kernel.js';
export {
  solveWireNetwork, irDropEffective, irDropScratch, wireConductance, thomasConst, IR_DROP_APPROX_MAX_REL_ERR,
} from './irdrop.js';
export type { IrDropScratch, WireSolveInfo } from './irdrop.js';
