import { ConfigError } from './errors.js';
import { type Instrument, InstrumentSet } from './instruments.js';

/**
 * The contract between training and inference: everything a model file must say about itself so that
 * `@instr/infer` can turn raw audio into its input exactly as training did. Stored as JSON in the ONNX
 * model's `metadata_props` under the key {@link MODEL_METADATA_KEY}.
 */
export interface ModelMetadata {
  /** Schema version of this object. */
  schema: 1;
  /** Human-readable model name. */
  name: string;
  /** Output classes, in output order. */
  instruments: Instrument[];
  /** Sample rate the features expect, in Hz. */
  sampleRate: number;
  /** Feature extraction, computed with `@instr/dsp`. */
  features: FeatureSpec;
  /** Model windows over the audio. */
  window: WindowSpec;
  /** Per-feature normalisation applied after feature extraction: (x − mean) / std. */
  normalization: { mean: number; std: number };
  /** Decision thresholds per class (same order as `instruments`). */
  thresholds: number[];
  /** Whether the ONNX output is already a probability (sigmoid inside the graph) or a logit. */
  output: 'logits' | 'probabilities';
  /** Name of the ONNX input and output tensors. */
  io: { input: string; output: string };
  /** Free-form provenance: data card, training recipe, metrics. */
  card?: Record<string, unknown>;
}

/** Log-mel features (librosa-compatible parameters). Input to the model is [batch, 1, nMels, frames]. */
export interface FeatureSpec {
  type: 'logmel';
  nFft: number;
  hopLength: number;
  winLength?: number;
  nMels: number;
  fmin: number;
  fmax: number | null;
  /** Mel scale and normalisation, as librosa's `htk` / `norm`. */
  htk: boolean;
  melNorm: 'slaney' | null;
  center: boolean;
  padMode: 'constant' | 'reflect';
  power: number;
  /** power_to_db parameters. */
  db: { ref: number; amin: number; topDb: number | null };
}

/**
 * librosa's log-mel defaults as a {@link FeatureSpec}: `power_to_db(melspectrogram(y, sr, n_fft=2048,
 * hop_length=512, n_mels=128, fmin=0, fmax=sr/2, htk=False, norm='slaney', center=True,
 * pad_mode='constant', power=2), ref=1, amin=1e-10, top_db=80)`. Override what differs.
 * @example
 * ```ts
 * const spec = logMelSpec({ nFft: 512, hopLength: 256, nMels: 32 });
 * ```
 */
export function logMelSpec(overrides: Partial<FeatureSpec> = {}): FeatureSpec {
  return {
    type: 'logmel',
    nFft: 2048,
    hopLength: 512,
    nMels: 128,
    fmin: 0,
    fmax: null,
    htk: false,
    melNorm: 'slaney',
    center: true,
    padMode: 'constant',
    power: 2,
    db: { ref: 1, amin: 1e-10, topDb: 80 },
    ...overrides,
  };
}

/** How audio is cut into model windows. */
export interface WindowSpec {
  /** Window length in seconds. */
  seconds: number;
  /** Hop between window starts in seconds. */
  hopSeconds: number;
  /** How the last, short window is filled. */
  padding: 'zero' | 'repeat' | 'reflect' | 'drop';
}

/** Key of the JSON metadata in an ONNX model's `metadata_props`. */
export const MODEL_METADATA_KEY = 'instr.metadata';

/**
 * Validates parsed metadata (e.g. read from a model file) and returns it typed.
 * @throws {@link ConfigError} naming the first bad key.
 * @example
 * ```ts
 * const meta = parseModelMetadata(JSON.parse(props['instr.metadata']));
 * const instruments = InstrumentSet.fromJSON(meta.instruments);
 * ```
 */
export function parseModelMetadata(json: unknown): ModelMetadata {
  const fail = (key: string, why: string): never => {
    throw new ConfigError(`Model metadata: "${key}" ${why}.`, { details: { key } });
  };
  if (typeof json !== 'object' || json === null) fail('(root)', 'must be an object');
  const m = json as Record<string, unknown>;
  if (m.schema !== 1) fail('schema', `must be 1, got ${JSON.stringify(m.schema)}`);
  const instruments = InstrumentSet.fromJSON(m.instruments);
  if (!(typeof m.sampleRate === 'number' && m.sampleRate >= 1000 && m.sampleRate <= 768000)) {
    fail('sampleRate', 'must be a number of Hz between 1000 and 768000');
  }
  const f = m.features as Record<string, unknown> | undefined;
  if (!f || f.type !== 'logmel') fail('features.type', 'must be "logmel"');
  for (const k of ['nFft', 'hopLength', 'nMels'] as const) {
    if (!(Number.isInteger(f![k]) && (f![k] as number) > 0))
      fail(`features.${k}`, 'must be a positive integer');
  }
  const w = m.window as Record<string, unknown> | undefined;
  if (!w || !((w.seconds as number) > 0)) fail('window.seconds', 'must be > 0');
  if (!((w!.hopSeconds as number) > 0)) fail('window.hopSeconds', 'must be > 0');
  if (!['zero', 'repeat', 'reflect', 'drop'].includes(w!.padding as string)) {
    fail('window.padding', 'must be zero, repeat, reflect or drop');
  }
  const n = m.normalization as Record<string, unknown> | undefined;
  if (!n || typeof n.mean !== 'number' || !((n.std as number) > 0))
    fail('normalization', 'needs a mean and a std > 0');
  const t = m.thresholds;
  if (!Array.isArray(t) || t.length !== instruments.size || t.some((x) => !(x >= 0 && x <= 1))) {
    fail('thresholds', `must be ${instruments.size} numbers in [0, 1]`);
  }
  if (m.output !== 'logits' && m.output !== 'probabilities')
    fail('output', 'must be "logits" or "probabilities"');
  const io = m.io as Record<string, unknown> | undefined;
  if (!io || typeof io.input !== 'string' || typeof io.output !== 'string')
    fail('io', 'needs input and output names');
  return json as ModelMetadata;
}
