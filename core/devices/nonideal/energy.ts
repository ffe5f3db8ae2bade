/**
 * Energy: every pulse costs V²·t·G (its polarity's voltage and width, the conductance before the
 * pulse), also on worn-out and faulty devices; every read V_read²·t_read·G, in the units of
 * params.ts.
 */
import type { DeviceParams } from '../params.js';

export interface EnergyConsts {
  /** energy per pulse per µS of device conductance [nJ/µS]: V²·t·1e-6 */
  readonly eUp: number;
  readonly eDown: number;
  readonly eRead: number;
}

export function energyConsts(p: DeviceParams): EnergyConsts {
  return {
    eUp: p.pulse.vUp * p.pulse.vUp * p.pulse.widthUp * 1e-6,
    eDown: p.pulse.vDown * p.pulse.vDown * p.pulse.widthDown * 1e-6,
    eRead: p.read.v * p.read.v * p.read.width * 1e-6,
  };
}
