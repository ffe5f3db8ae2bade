/*
 * Reference point for `memspike bench cuba`: the current-based LIF update of CUBA (core/neurons/
 * lif.ts lifCurrentStep without adaptive threshold: the same double operations in the same order)
 * compiled as C, on the same kind of load as the scratch harness of docs/benchmarks.md (4 000 or
 * 16 000 neurons, 16 random synaptic kicks per step, dt 0.1 ms). Not part of the library or its
 * build; it answers "what does this update cost when a C compiler vectorises it?".
 *
 *   gcc -O3 -ffp-contract=off -march=native bench/reference/cuba-lif-kernel.c -o /tmp/cl -lm
 *   gcc -O3 -ffp-contract=off -msse4.2 -mno-avx bench/reference/cuba-lif-kernel.c -o /tmp/cl128 -lm
 *   /tmp/cl fused 4000       # one loop: integrate, threshold, reset (not vectorised: the spike list)
 *   /tmp/cl split 4000       # Brian2's shape: a branch-free update loop (vectorised), then a
 *                            # threshold scan and the resets of the spiking neurons
 *
 * Prints one JSON object: the best ns per neuron-step (CPU time) over 10 rounds of 20 000 steps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>
#include <time.h>

static double cpuSeconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

typedef struct {
  double vRest, vReset, vThresh, decayMem, decayE, decayI, couplingE, couplingI, biasGain;
  int refSteps;
} Constants;

__attribute__((noinline)) static int fused(int n, double *restrict v, double *restrict ge, double *restrict gi, const double *restrict bias,
                                           int32_t *restrict refUntil, int32_t *restrict idx, int step, const Constants *k) {
  int count = 0;
  for (int i = 0; i < n; i++) {
    const double e = ge[i], g = gi[i];
    ge[i] = e * k->decayE;
    gi[i] = g * k->decayI;
    if (step < refUntil[i]) continue;
    const double vi = k->vRest + (v[i] - k->vRest) * k->decayMem + e * k->couplingE + g * k->couplingI + bias[i] * k->biasGain;
    if (vi > k->vThresh) {
      v[i] = k->vReset;
      refUntil[i] = step + k->refSteps;
      idx[count++] = i;
    } else {
      v[i] = vi;
    }
  }
  return count;
}

__attribute__((noinline)) static int split(int n, double *restrict v, double *restrict ge, double *restrict gi, const double *restrict bias,
                                           int32_t *restrict refUntil, int32_t *restrict idx, int step, const Constants *k) {
  for (int i = 0; i < n; i++) {
    const double e = ge[i], g = gi[i];
    ge[i] = e * k->decayE;
    gi[i] = g * k->decayI;
    const double vi = k->vRest + (v[i] - k->vRest) * k->decayMem + e * k->couplingE + g * k->couplingI + bias[i] * k->biasGain;
    v[i] = step < refUntil[i] ? v[i] : vi;
  }
  int count = 0;
  for (int i = 0; i < n; i++)
    if (v[i] > k->vThresh && !(step < refUntil[i])) idx[count++] = i;
  for (int c = 0; c < count; c++) {
    v[idx[c]] = k->vReset;
    refUntil[idx[c]] = step + k->refSteps;
  }
  return count;
}

int main(int argc, char **argv) {
  const int useSplit = argc > 1 && strcmp(argv[1], "split") == 0;
  const int n = argc > 2 ? atoi(argv[2]) : 4000;
  const int steps = 20000;
  if (n < 1) return 2;
  double *v = aligned_alloc(64, 8 * (size_t)n + 64), *ge = aligned_alloc(64, 8 * (size_t)n + 64);
  double *gi = aligned_alloc(64, 8 * (size_t)n + 64), *bias = aligned_alloc(64, 8 * (size_t)n + 64);
  int32_t *refUntil = aligned_alloc(64, 4 * (size_t)n + 64), *idx = aligned_alloc(64, 4 * (size_t)n + 64);
  int32_t kick[4096];
  uint64_t seed = 7;
#define UNIFORM() ((double)(seed = (seed * 16807) % 2147483647) / 2147483647.0)
  for (int i = 0; i < n; i++) {
    v[i] = -60 + 10 * UNIFORM();
    ge[i] = gi[i] = bias[i] = 0;
    refUntil[i] = -0x7fffffff;
  }
  for (int i = 0; i < 4096; i++) kick[i] = (int)(UNIFORM() * n);
  const double dt = 0.1, tauMem = 20, a = exp(-dt / tauMem);
  const Constants k = { -49, -60, -50, a, exp(-dt / 5), exp(-dt / 10), 0.1, 0.12, 1 - a, 50 };
  long spikes = 0;
  double best = 1e30;
  for (int r = 0; r < 11; r++) {
    const double t0 = cpuSeconds();
    for (int s = r * steps; s < (r + 1) * steps; s++) {
      spikes += useSplit ? split(n, v, ge, gi, bias, refUntil, idx, s, &k) : fused(n, v, ge, gi, bias, refUntil, idx, s, &k);
      for (int j = 0; j < 16; j++) ge[kick[(s * 16 + j) & 4095]] += 1.6;
    }
    const double ns = (cpuSeconds() - t0) * 1e9 / ((double)steps * n);
    if (r > 0 && ns < best) best = ns; // round 0 warms up
  }
  printf("{\"kernel\":\"%s\",\"neurons\":%d,\"ns_per_neuron_step\":%.3f,\"spikes\":%ld}\n", useSplit ? "split" : "fused", n, best, spikes);
  return 0;
}
