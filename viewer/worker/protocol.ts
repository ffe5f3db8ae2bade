/**
 * Commands from the page to the engine Worker (structured-clone messages). The engine answers
 * only with encoded live messages (networks/live/frame.ts).
 */
export interface StartOptions {
  readonly scenario: 'diehl-cook' | 'model' | 'cuba';
  readonly seed?: number;
  readonly neurons?: number;
  /** device preset name, or 'float' for ideal weights */
  readonly device?: string;
  readonly cell?: 'pair' | 'single';
  /** pulse rounding (default: the spec's device default) */
  readonly rounding?: 'stochastic' | 'deterministic' | 'accumulate' | 'feedback';
  readonly learning?: boolean;
  /** start playing at once */
  readonly play?: boolean;
  /** how a saved model classifies: the temporal simulation, then the crossbar (default), or the crossbar only */
  readonly evaluate?: 'temporal' | 'crossbar';
  /** the bytes of a saved model (scenario 'model') and its file name */
  readonly model?: ArrayBuffer;
  readonly modelName?: string;
}

export type EngineCommand =
  | { readonly type: 'start'; readonly options: StartOptions; readonly dataBase: string }
  | { readonly type: 'play' }
  | { readonly type: 'pause' }
  /** simulated ms per wall ms; null = as fast as possible */
  | { readonly type: 'speed'; readonly speed: number | null }
  | { readonly type: 'step'; readonly steps: number }
  | { readonly type: 'select'; readonly neuron: number }
  | { readonly type: 'learning'; readonly on: boolean }
  | { readonly type: 'stateEvery'; readonly ms: number }
  | { readonly type: 'analyse'; readonly request: { readonly ageMs: number; readonly program: 'open-loop' | 'write-verify' | 'exact' } };
