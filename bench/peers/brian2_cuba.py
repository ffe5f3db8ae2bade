#!/usr/bin/python3
"""The Brian2 side of `memspike bench cuba --vs brian2` (bench/cuba.ts runs it, one process per round).

Vogels & Abbott (2005) current-based network as in Brian2's examples/CUBA.py, the same network as
networks/cuba.ts: N neurons (80 % excitatory), every ordered pair connected with probability
p = 0.02 * 4000 / N (about 80 inputs per neuron whatever N is), dt 0.1 ms, exact integration,
C++ standalone mode (one thread) in a fresh, empty project directory, so that every run compiles
from scratch; the directory is removed at the end.

Prints one JSON object on stdout with the keys of `memspike bench cuba --json` (build_s, wall_s,
spikes, ...) plus the build's parts: construct_s (Python objects), codegen_s (code generation and
writing the project), compile_s (make clean + make), init_s (the binary outside its loop: start,
connectivity, initial values), and loop_s = wall_s (the simulation loop, as timed inside the
binary). Everything else (make's output, warnings) goes to stderr.

Needs Brian2 and a C++ compiler: apt-get install python3-brian g++ (Debian's Brian2 is 2.5.1).

Usage: python3 brian2_cuba.py [--N 4000] [--duration-ms 1000] [--seed 1] [--float32]
"""
import argparse
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the script (an installed package's directory)
from standalone import fresh_project, print_result, reserve_stdout  # noqa: E402 (bench/peers/standalone.py)

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--N', type=int, default=4000, help='total neurons')
ap.add_argument('--duration-ms', type=float, default=1000.0, help='simulated time [ms]')
ap.add_argument('--seed', type=int, default=1, help="Brian2's seed (its own generator: not memspike's stream)")
ap.add_argument('--keep', action='store_true', help='keep the standalone project directory')
ap.add_argument('--float32', action='store_true', help="single-precision state (prefs.core.default_float_dtype = float32)")
args = ap.parse_args()
if args.N < 5:
    ap.error('--N must be at least 5 (4 excitatory, 1 inhibitory)')
if not args.duration_ms > 0:
    ap.error('--duration-ms must be positive')

json_out = reserve_stdout()  # stdout holds only the JSON object

import numpy as np  # noqa: E402
import brian2  # noqa: E402
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, prefs, set_device,  # noqa: E402
                    device, seed, ms, mV, defaultclock)

with fresh_project('memspike_brian2_cuba_', args.keep) as workdir:
    set_device('cpp_standalone', directory=workdir, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0  # one thread, as memspike's loop
    if args.float32:
        prefs.core.default_float_dtype = np.float32
    seed(args.seed)
    np.random.seed(args.seed)
    defaultclock.dt = 0.1 * ms

    N = args.N
    NE = int(round(0.8 * N))
    p = min(1.0, 0.02 * 4000.0 / N)
    taum = 20 * ms
    taue = 5 * ms
    taui = 10 * ms
    Vt = -50 * mV
    Vr = -60 * mV
    El = -49 * mV
    we = (60 * 0.27 / 10) * mV
    wi = (-20 * 4.5 / 10) * mV
    eqs = '''
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    '''

    t0 = time.perf_counter()
    P = NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr', refractory=5 * ms, method='exact')
    P.v = 'Vr + rand() * (Vt - Vr)'
    P.ge = 0 * mV
    P.gi = 0 * mV
    Ce = Synapses(P, P, on_pre='ge += we')
    Ci = Synapses(P, P, on_pre='gi += wi')
    Ce.connect(f'i<{NE}', p=p)
    Ci.connect(f'i>={NE}', p=p)
    s_mon = SpikeMonitor(P)
    net = Network(P, Ce, Ci, s_mon)
    t1 = time.perf_counter()
    net.run(args.duration_ms * ms)  # standalone: generates the code, runs nothing yet
    t2 = time.perf_counter()
    device.build(directory=workdir, compile=True, run=True, debug=False)
    t3 = time.perf_counter()

    compile_s = device.timers['compile']['make'] + (device.timers['compile']['clean'] or 0.0)
    run_binary_s = device.timers['run_binary']
    loop_s = float(device._last_run_time)
    total_s = t3 - t0

    spk_i = np.asarray(s_mon.i[:])
    spikes = int(len(spk_i))
    outdeg = np.bincount(np.asarray(Ce.i[:]), minlength=N) + np.bincount(np.asarray(Ci.i[:]), minlength=N)
    synapses = int(outdeg.sum())
    events = int(outdeg[spk_i].sum())
    steps = int(round(args.duration_ms / 0.1))
    result = {
        'bench': 'cuba',
        'peer': f'brian2 {brian2.__version__} cpp_standalone',
        'neurons': N,
        'synapses': synapses,
        'duration_ms': args.duration_ms,
        'dt_ms': 0.1,
        'spikes': spikes,
        'rate_hz': spikes / N / (args.duration_ms / 1000.0),
        'synaptic_events': events,
        'build_s': total_s - loop_s,
        'wall_s': loop_s,
        'events_per_s': events / loop_s if loop_s > 0 else None,
        'ns_per_neuron_step': loop_s * 1e9 / (N * steps),
        'seed': args.seed,
        'float_dtype': str(np.asarray(P.v_[:]).dtype),  # as the run stored v: float32 with --float32
        'construct_s': t1 - t0,
        'codegen_s': (t2 - t1) + (t3 - t2 - compile_s - run_binary_s),
        'compile_s': compile_s,
        'init_s': run_binary_s - loop_s,
        'loop_s': loop_s,
        'total_s': total_s,
    }
print_result(json_out, result)
