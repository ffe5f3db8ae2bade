/**
 * The few facts about a device preset the crossbar needs, read from core/devices' parameters in one
 * place (so a change there touches one file here).
 */
import type { DeviceParams } from '../devices/index.js';

/**
 * The conductance range weights are mapped onto [µS]: the device's window [gMin, gMax]. For the
 * linear presets (hfs2, ideal) this is the paper's linear range; for nonlinear laws it is the
 * whole window (their fit still turns a target conductance into a pulse number).
 */
export function deviceLinearRange(p: DeviceParams): { gStart: number; gEnd: number } {
  return { gStart: p.gMin, gEnd: p.gMax };
}

/** Read noise per device read: σ = absolute + relative·g [µS]. */
export function deviceReadNoise(p: DeviceParams): { absolute: number; relative: number } {
  return { absolute: p.readNoise.abs, relative: p.readNoise.rel };
}
