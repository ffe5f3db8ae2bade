/**
 * Issue 16: NaN and ±Infinity never pass silently. A network whose state went non-finite is not
 * saved (a good file already there stays as it was), a run stops at the sample that blew it up,
 * and the spec refuses the settings that blew it up (wMax beyond the leak conductance, a
 * normalisation target no column can reach, learning rates beyond a whole weight range per spike)
 * — while a model saved before those limits still loads.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LifPopulation } from '../../core/network.js';
import { loadMnist } from '../../networks/datasets/idx-node.js';
import { sliceDataset } from '../../networks/datasets/image-dataset.js';
import { buildModel, DiehlCookExperiment } from '../../networks/diehl-cook/experiment.js';
import { loadModel, saveModel } from '../../networks/diehl-cook/model-file.js';
import { MAX_W_MAX, resolveSpec } from '../../networks/diehl-cook/spec.js';
import { dataIdentity } from '../../networks/experiment/data.js';
import { SpecError } from '../../networks/experiment/spec-error.js';
import { writeModelFile } from '../../networks/persist/file-node.js';
import { decodeModel, encodeModel } from '../../networks/persist/model-file.js';

const train = sliceDataset(loadMnist({ split: 'train' }), 0, 20);
const dir = mkdtempSync(join(tmpdir(), 'memspike-finite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 5-neuron model and its excitatory population. */
function tiny(spec = resolveSpec({ neurons: 5, schedule: [{ phase: 'train', samples: 2 }] })) {
  let exc: LifPopulation | null = null;
  const trained = buildModel(spec, (_net, p) => {
    exc = p.exc;
  });
  return { spec, trained, exc: exc! };
}

describe('saving a network whose state went non-finite', () => {
  it('is refused before anything is written, naming the array, the index and the value; the file already there is unchanged', () => {
    const { spec, trained, exc } = tiny();
    const path = join(dir, 'good.mspk');
    writeModelFile(path, saveModel({ spec, trainData: dataIdentity(train), trained }));
    const before = readFileSync(path);
    exc.state.v[2] = Number.NaN;
    expect(() => writeModelFile(path, saveModel({ spec, trainData: dataIdentity(train), trained }))).toThrow(
      /the network's state is not finite: net\.populations\.1\.v\[2\] = NaN \(the excitatory neurons' membrane potential \[mV\]\); the run blew up/,
    );
    exc.state.v[2] = -Infinity;
    expect(() => saveModel({ spec, trainData: dataIdentity(train), trained })).toThrow(/net\.populations\.1\.v\[2\] = -Infinity/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('an infinite weight is refused too; the infinities that mean "never" are saved', () => {
    const { spec, trained } = tiny();
    const doc = saveModel({ spec, trainData: dataIdentity(train), trained });
    expect(Array.from(doc.arrays['net.populations.0.nextEvent'] as Float64Array).some((x) => x === Infinity)).toBe(true);
    trained.model.inputToExc.store.weights[7] = Infinity;
    expect(() => saveModel({ spec, trainData: dataIdentity(train), trained })).toThrow(/net\.stores\.0\.arrays\.weights\[7\] = Infinity \(the input→excitatory synapses' weights\)/);
  });
});

describe('a run whose state blows up', () => {
  it('stops after the sample that made it so, naming the neuron and what to change', () => {
    const { spec, trained, exc } = tiny();
    const exp = new DiehlCookExperiment(spec, { train, test: null }, { trained });
    exp.advance({ samples: 1 });
    exc.state.v[3] = -Infinity;
    expect(() => exp.advance({ samples: 1 })).toThrow(/the run blew up at training image 1: the excitatory neurons' membrane potential v\[3\] became -Infinity, and nothing was saved from this run\. .*a smaller wMax, cell 'single'/);
  });
});

describe('the limits that keep the state finite', () => {
  const refused = (input: Record<string, unknown>, field: string, re: RegExp) => {
    let err: unknown = null;
    try {
      resolveSpec(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).field).toBe(field);
    expect((err as SpecError).problem).toMatch(re);
  };

  it('wMax: at most the leak conductance, 1', () => {
    expect(MAX_W_MAX).toBe(1);
    refused({ wMax: 1000 }, 'wMax', /^must be ≤ 1; give the weight mapped to a device's full window in \(0, 1\]/);
    refused({ wMax: 1.0001, cell: 'single' }, 'wMax', /must be ≤ 1/);
    expect(resolveSpec({ wMax: 1 }).wMax).toBe(1);
  });

  it('normalisation: at most 784 × the largest weight', () => {
    refused({ device: 'float', normalisation: 785 }, 'normalisation', /^must be ≤ 784 \(784 inputs × the largest weight, 1\)/);
    refused({ wMax: 0.25, normalisation: 197 }, 'normalisation', /^must be ≤ 196 /);
    expect(resolveSpec({ device: 'float', normalisation: 784 }).normalisation).toBe(784);
  });

  it('learning rates × rateScale: at most a whole weight range per spike', () => {
    refused({ rateScale: 101 }, 'rateScale', /^must be ≤ 100: the rule's largest learning rate, nuPost = 0\.01/);
    refused({ rule: 'pair', rateScale: 200 }, 'rateScale', /^must be ≤ 190\.4761: the rule's largest learning rate, aMinus = 0\.00525/);
    refused({ ruleParams: { nuPre: 2 } }, 'ruleParams', /^nuPre 2 × rateScale 1 = 2 is more than a whole weight range per spike: must be ≤ 1/);
    expect(resolveSpec({ rateScale: 100 }).rateScale).toBe(100);
  });

  it('a model saved before the limits (wMax 1.5) still loads and evaluates; its state is checked instead', () => {
    const spec = resolveSpec({ neurons: 5, wMax: 1, schedule: [{ phase: 'train', samples: 2 }] });
    const { trained } = tiny(spec);
    const doc = saveModel({ spec, trainData: dataIdentity(train), trained });
    const old = decodeModel(encodeModel({ ...doc, params: { ...doc.params, spec: { ...(doc.params['spec'] as Record<string, unknown>), wMax: 1.5 } } as typeof doc.params }), 'old.mspk');
    expect(loadModel(old, 'old.mspk').spec.wMax).toBe(1.5);
  });
});
