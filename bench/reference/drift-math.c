/*
 * Reference point for the drift fold's floor: one ln + one exp per element, as the fold needs,
 * over 2²⁰ independent inputs (a throughput loop: nothing chains one element to the next), with
 * core/devices/drift-math.ts's table-driven driftLog/driftExp written in C and with glibc's
 * log/exp. Not part of the library or its build; it answers "what does a fold's ln + exp cost a
 * compiled kernel on this machine?" A pulse that folds cannot cost less than that plus the pulse
 * itself (compare bench/reference/linear-kernel.c's fold and nofold figures).
 *
 *   gcc -O2 -fno-tree-vectorize -ffp-contract=off bench/reference/drift-math.c -o /tmp/dm -lm && /tmp/dm
 *
 * The tables come from glibc here (log, exp2), not from exact arithmetic: the timing is the point.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <time.h>

static double CJ[128], INVC[128], LNC[128], E2[128];
static const double LN2 = 0.6931471805599453, LN2_N_HI = 0.005415212348111709,
                    LN2_N_LO = 1.2864023111638346e-14, INV_LN2_N = 184.6649652337873,
                    SHIFT = 6755399441055744.0;

/* driftLog: x = 2^e·m, m ∈ [0.75, 1.5); (e·ln2 + ln c_j) + log1p((m − c_j)/c_j) */
static inline double drift_log(double x) {
  uint64_t b; memcpy(&b, &x, 8);
  uint32_t hi = (uint32_t)(b >> 32);
  int j = (hi >> 13) & 127;
  int e = (int)(hi >> 20) - 1023 + (j >> 6);
  uint64_t sb = (uint64_t)(1023 - e) << 52; double s; memcpy(&s, &sb, 8);
  double r = (x * s - CJ[j]) * INVC[j];
  double p = r - r * r * (0.5 - r * (1.0 / 3 - r * (0.25 - r * (0.2 - r * (1.0 / 6)))));
  return (e * LN2 + LNC[j]) + p;
}

/* driftExp: 2^⌊k/128⌋ · (2^((k mod 128)/128) · e^r) */
static inline double drift_exp(double y) {
  if (y < -708) y = -708;
  if (y > 708) y = 708;
  double kf = y * INV_LN2_N + SHIFT - SHIFT;
  int k = (int)kf;
  double r = y - kf * LN2_N_HI - kf * LN2_N_LO;
  double p = 1 + (r + r * r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120)))));
  uint64_t sb = (uint64_t)((k >> 7) + 1023) << 52; double s; memcpy(&s, &sb, 8);
  return E2[k & 127] * p * s;
}

static double now_ns(void) {
  struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

enum { N = 1 << 20 };
static double x[N], out[N];

int main(void) {
  for (int j = 0; j < 128; j++) {
    double c = (1 + (2 * j + 1) / 256.0) * (j < 64 ? 1 : 0.5);
    CJ[j] = c; INVC[j] = 1 / c; LNC[j] = log(c); E2[j] = exp2(j / 128.0);
  }
  for (int i = 0; i < N; i++) x[i] = 1500 + i * 0.37; /* dt [ms] > t0 */
  double own = 1e300, libm = 1e300;
  for (int rep = 0; rep < 10; rep++) {
    double t = now_ns();
    for (int i = 0; i < N; i++) out[i] = drift_exp(-0.02 * drift_log(x[i] / 1000.0));
    double a = (now_ns() - t) / N; if (a < own) own = a;
    t = now_ns();
    for (int i = 0; i < N; i++) out[i] = exp(-0.02 * log(x[i] / 1000.0));
    a = (now_ns() - t) / N; if (a < libm) libm = a;
  }
  printf("{\"ns_per_ln_exp_drift_math\":%.2f,\"ns_per_ln_exp_glibc\":%.2f,\"check\":%.17g}\n", own, libm, out[12345]);
  return 0;
}
