/**
 * The pacer turns wall time into whole numbers of fixed-dt simulation steps.
 *
 * At speed s (simulated ms per wall ms; Infinity = as fast as possible) the simulation should
 * stand at step ⌊s·(t − t₀)/dt⌋ at wall time t. Each slice asks `due()` for the steps to run now:
 * what the clock asks for, capped by what fits in the slice's wall-time budget at the throughput
 * measured so far (never one step per call: at least `minSteps` while playing, so a slow machine
 * still makes progress in whole chunks). When the cap bites the simulation is behind: `behind`
 * says so and the debt is forgotten, so that it does not race to catch up later. `xRealtime` is
 * the measured speed over the last second of wall time.
 *
 * Pure: the clock is injected, so tests drive it (test/viewer/pacer.test.ts).
 */
export interface PacerOptions {
  /** time step [ms] */
  readonly dt: number;
  /** wall clock [ms] */
  readonly clock: () => number;
  /** wall time one slice may take [ms]; default 12 */
  readonly sliceMs?: number;
  /** fewest steps a slice runs while playing; default 10 */
  readonly minSteps?: number;
  /** steps per wall ms assumed before anything is measured; default 5 */
  readonly initialStepsPerMs?: number;
}

export class Pacer {
  readonly dt: number;
  private readonly clock: () => number;
  private readonly sliceMs: number;
  private readonly minSteps: number;
  private speedValue = 1;
  private playing = false;
  /** wall time and step at which the current speed took effect */
  private originWall = 0;
  private originStep = 0;
  private steps = 0;
  private stepsPerMs: number;
  private behindFlag = false;
  /** (wall ms, steps) samples of the last second, for xRealtime */
  private readonly history: { wall: number; steps: number }[] = [];

  constructor(o: PacerOptions) {
    if (!(o.dt > 0)) throw new Error(`Pacer: dt = ${o.dt} must be > 0 ms.`);
    this.dt = o.dt;
    this.clock = o.clock;
    this.sliceMs = o.sliceMs ?? 12;
    this.minSteps = o.minSteps ?? 10;
    this.stepsPerMs = o.initialStepsPerMs ?? 5;
  }

  /** Simulated ms per wall ms (1 = real time; Infinity = as fast as possible). */
  get speed(): number {
    return this.speedValue;
  }
  set speed(s: number) {
    if (!(s > 0)) throw new Error(`speed = ${s} must be > 0 (simulated ms per wall ms) or Infinity.`);
    this.speedValue = s;
    this.rebase();
  }
  get isPlaying(): boolean {
    return this.playing;
  }
  play(): void {
    if (this.playing) return;
    this.playing = true;
    this.rebase();
  }
  pause(): void {
    this.playing = false;
    this.behindFlag = false;
  }
  /** steps run so far */
  get stepsDone(): number {
    return this.steps;
  }
  /** whether the last slice ran fewer steps than the clock asked for */
  get behind(): boolean {
    return this.behindFlag;
  }
  /** measured throughput [steps per wall ms] while running */
  get throughput(): number {
    return this.stepsPerMs;
  }

  /** The steps to run now (0 when paused or when the clock asks for none yet). */
  due(): number {
    if (!this.playing) return 0;
    const cap = Math.max(this.minSteps, Math.floor(this.stepsPerMs * this.sliceMs));
    if (this.speedValue === Infinity) {
      this.behindFlag = false;
      return cap;
    }
    const target = this.originStep + Math.floor((this.speedValue * (this.clock() - this.originWall)) / this.dt);
    const wanted = target - this.steps;
    if (wanted <= cap) {
      this.behindFlag = false;
      return Math.max(0, wanted);
    }
    this.behindFlag = true;
    return cap;
  }

  /** Reports a slice: `steps` run in `wallMs`. */
  done(steps: number, wallMs: number): void {
    this.steps += steps;
    if (steps > 0 && wallMs > 0) {
      // exponential average of the throughput, weighted by the slice's length
      const rate = steps / wallMs;
      this.stepsPerMs = this.stepsPerMs * 0.7 + rate * 0.3;
    }
    if (this.behindFlag) {
      // forget the debt: from now on the clock counts from here
      this.rebase(false);
      this.behindFlag = true;
    }
    const now = this.clock();
    this.history.push({ wall: now, steps: this.steps });
    while (this.history.length > 2 && now - this.history[1].wall > 1000) this.history.shift();
  }

  /** Simulated ms per wall ms over about the last second (0 before two slices). */
  get xRealtime(): number {
    const h = this.history;
    if (h.length < 2) return 0;
    const a = h[0];
    const b = h[h.length - 1];
    return b.wall > a.wall ? ((b.steps - a.steps) * this.dt) / (b.wall - a.wall) : 0;
  }

  /** Steps by hand (the step button): counted, not paced. */
  stepped(steps: number): void {
    this.steps += steps;
    this.rebase();
  }

  private rebase(clearHistory = true): void {
    this.originWall = this.clock();
    this.originStep = this.steps;
    if (clearHistory) this.history.length = 0;
  }
}
