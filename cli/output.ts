/**
 * How the experiment commands print their typed results: with --json one JSON object on stdout
 * (nothing else there); otherwise a table of the phases and a few lines about the model.
 */
import type { ExperimentResult, PhaseResult } from '../networks/diehl-cook/results.js';
import { ageName } from '../networks/diehl-cook/experiment.js';
import { describeData } from '../networks/experiment/data.js';

/** The JSON a command prints: its name, extra fields (file, out), then the result. */
export function resultJson(command: string, result: ExperimentResult, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ command, ...extra, ...result });
}

function phaseName(r: PhaseResult): string {
  switch (r.phase) {
    case 'train':
      return `train (${r.samples} images${r.epochs > 1 ? `, ${r.epochs} epochs` : ''})`;
    case 'label':
      return `label (${r.samples} images)`;
    case 'evaluate':
      if (r.mode === 'temporal') return 'temporal simulation';
      return `crossbar ${r.program === 'write-verify' ? 'w-v' : 'open-loop'} ${ageName(r.age)}${r.compensate ? ' +comp' : ''}${r.readout === 'vote' ? ', vote' : ''}`;
  }
}

function pct(x: number | null): string {
  return x === null || Number.isNaN(x) ? '–' : `${(100 * x).toFixed(2)} %`;
}

/** A human-readable report: the run, one row per phase, the model. */
export function resultTable(result: ExperimentResult, title: string): string {
  const { spec, model } = result;
  const lines: string[] = [];
  const setting = spec.device === 'float' ? 'float weights' : `${spec.device} ${spec.cell === 'pair' ? 'pairs' : 'devices'}, wMax ${spec.wMax}, ${spec.rounding} rounding, normalisation ${spec.deviceNormalisation}`;
  lines.push('', `${title} — ${spec.neurons} excitatory neurons, ${setting}, seed ${spec.seed}, ${model.trainedSamples} training samples`);
  lines.push(`${'phase'.padEnd(34)}${'accuracy'.padStart(10)}${'images/s'.padStart(11)}${'nJ/image'.padStart(12)}${'silent'.padStart(9)}${'time'.padStart(9)}`);
  for (const r of result.phases) {
    const acc = r.phase === 'evaluate' ? pct(r.accuracy) : r.phase === 'train' ? pct(r.runningAccuracy) : '';
    const energy = r.phase === 'evaluate' ? r.inferenceEnergy_nJ.toExponential(2) : '';
    const silent = r.phase === 'evaluate' && r.mode === 'temporal' ? `${(100 * r.silentRate).toFixed(1)} %` : '';
    lines.push(`${phaseName(r).padEnd(34)}${acc.padStart(10)}${r.samplesPerSec.toFixed(1).padStart(11)}${energy.padStart(12)}${silent.padStart(9)}${`${r.seconds.toFixed(0)} s`.padStart(9)}`);
    if (r.phase === 'label') lines.push(`  ${r.labelsChanged} labels changed, ${r.unlabelled} neurons unlabelled`);
  }
  if (spec.device !== 'float') lines.push(`training: ${model.pulses} device pulses, ${model.programmingEnergyPerSample_nJ.toFixed(1)} nJ of programming per sample`);
  lines.push(`training data: ${describeData(result.data.train)}`);
  if (result.data.test) lines.push(`test data: ${describeData(result.data.test)}`);
  const last = [...result.phases].reverse().find((r) => r.phase === 'evaluate');
  if (last && last.phase === 'evaluate') {
    lines.push('confusion of the last evaluation (rows: true class; columns: predicted 0–9, then none)');
    for (let c = 0; c < last.confusion.length; c++) lines.push(`  ${c}: ${last.confusion[c].map((x) => String(x).padStart(5)).join('')}`);
  }
  return `${lines.join('\n')}\n`;
}
