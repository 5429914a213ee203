import {
  type Audio,
  assertAudio,
  InstrumentSet,
  InvalidArgumentError,
  ModelError,
  type ModelMetadata,
  toMono,
} from '@instr/core';
import type { InferenceSession } from 'onnxruntime-common';
import { type Aggregation, aggregateWindows, sigmoidInPlace } from './aggregate.js';
import { type FeatureWindows, featureWindows } from './features.js';
import type { OrtRuntime } from './runtime.js';

/**
 * Options of {@link Classifier.classify}; defaults come from the model's metadata.
 * @example
 * ```ts
 * const options: ClassifyOptions = { hopSeconds: 0.5, aggregation: 'mean', thresholds: { voi: 0.3 }, topK: 3 };
 * const result = await classifier.classify(audio, options);
 * ```
 */
export interface ClassifyOptions {
  /** Window length in seconds (default: the model's). */
  windowSeconds?: number;
  /** Hop between windows in seconds (default: the model's). */
  hopSeconds?: number;
  /** Filling of the last short window (default: the model's). */
  padding?: 'zero' | 'repeat' | 'reflect' | 'drop';
  /** Window → clip aggregation (default `max`: the union of window decisions). */
  aggregation?: Aggregation;
  /** Decision thresholds: one for all, one per class in order, or by instrument code (default: the model's). */
  thresholds?: number | readonly number[] | Readonly<Record<string, number>>;
  /** Keep only the k most probable instruments in `instruments` (default: all). */
  topK?: number;
  /** Windows per onnxruntime call (default 16). */
  batchSize?: number;
  /** Name used in results and errors (a file name). */
  source?: string;
}

/**
 * One instrument's clip-level result (an entry of {@link ClassificationResult.instruments}).
 * @example
 * ```ts
 * const top: InstrumentScore = result.instruments[0]!;
 * console.log(top); // { code: 'voi', name: 'Human voice', family: 'voice', probability: 0.93, threshold: 0.42, present: true }
 * ```
 */
export interface InstrumentScore {
  code: string;
  name: string;
  family: string;
  probability: number;
  threshold: number;
  present: boolean;
}

/**
 * One model window of the timeline (an entry of {@link ClassificationResult.timeline}).
 * @example
 * ```ts
 * const loudest = (w: TimelineEntry) => Math.max(...Object.values(w.probabilities));
 * for (const w of result.timeline) console.log(`${w.start.toFixed(1)}–${w.end.toFixed(1)} s`, w.probabilities.voi, loudest(w));
 * ```
 */
export interface TimelineEntry {
  /** Start and end in seconds of the original audio (end is clipped to its duration). */
  start: number;
  end: number;
  /** Probability per instrument code. */
  probabilities: Record<string, number>;
}

/**
 * What {@link Classifier.classify} returns: plain data (JSON-serialisable, `postMessage`-able).
 * @example
 * ```ts
 * const result: ClassificationResult = await classifier.classify(audio, { source: 'take 3' });
 * console.log(result.source, result.duration, result.labels, result.model.name); // take 3 12.5 ['pia'] instr-default-cnn
 * ```
 */
export interface ClassificationResult {
  source?: string;
  /** Duration of the input in seconds. */
  duration: number;
  /** Codes of the instruments judged present, in the model's class order. */
  labels: string[];
  /** Every instrument (or the top k), most probable first. */
  instruments: InstrumentScore[];
  /** Per-window probabilities. */
  timeline: TimelineEntry[];
  /** Which model produced this. */
  model: { name: string; sampleRate: number };
}

/**
 * A loaded instrument-recognition model. Create it with `loadClassifier()` from `@instr/infer`.
 *
 * @example
 * ```ts
 * const classifier = await loadClassifier();
 * const result = await classifier.classify(audio);
 * console.log(result.labels, result.instruments[0]);
 * ```
 */
export class Classifier {
  readonly instruments: InstrumentSet;

  constructor(
    private readonly session: InferenceSession,
    readonly metadata: ModelMetadata,
    private readonly runtime: OrtRuntime,
  ) {
    this.instruments = InstrumentSet.fromJSON(metadata.instruments);
  }

  /** A short description of the model for UIs and logs. */
  describe(): {
    name: string;
    instruments: string[];
    sampleRate: number;
    windowSeconds: number;
    card?: unknown;
  } {
    const m = this.metadata;
    return {
      name: m.name,
      instruments: this.instruments.codes,
      sampleRate: m.sampleRate,
      windowSeconds: m.window.seconds,
      card: m.card,
    };
  }

  /**
   * Classifies audio: per-instrument probabilities and decisions plus a per-window timeline.
   * @throws {@link InvalidAudioError} / {@link NonFiniteError} for bad audio, `InvalidArgumentError` for bad options.
   */
  async classify(audio: Audio, options: ClassifyOptions = {}): Promise<ClassificationResult> {
    assertAudio(audio, { source: options.source });
    const windows = this.prepare(toMono(audio), audio.sampleRate, options);
    const probs = await this.runWindows(windows, options.batchSize ?? 16);
    return this.summarise(probs, windows, audioDurationOf(audio), options);
  }

  /** Window probabilities [windows, classes] for prepared windows (used by streaming and ensembles). */
  async runWindows(windows: FeatureWindows, batchSize = 16): Promise<Float32Array> {
    if (!(Number.isInteger(batchSize) && batchSize > 0)) {
      throw new InvalidArgumentError(`batchSize must be a positive integer, got ${batchSize}.`, {
        details: { key: 'batchSize' },
      });
    }
    const classes = this.instruments.size;
    const n = windows.count;
    const out = new Float32Array(n * classes);
    const per = windows.features.size / Math.max(n, 1);
    const [, ...inner] = windows.features.dims;
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const data = windows.features.data.subarray(start * per, end * per);
      const input = new this.runtime.Tensor('float32', data, [end - start, ...inner]);
      const result = await this.session.run({ [this.metadata.io.input]: input });
      const output = result[this.metadata.io.output];
      if (output?.type !== 'float32' || output.size !== (end - start) * classes) {
        throw new ModelError(
          `Model output "${this.metadata.io.output}" should be float32 [${end - start}, ${classes}], got ${output?.type} [${output?.dims}].`,
        );
      }
      out.set(output.data as Float32Array, start * classes);
    }
    if (this.metadata.output === 'logits') sigmoidInPlace(out);
    return out;
  }

  /** Resamples, windows and computes model input features, as training did. */
  prepare(mono: Float32Array, sampleRate: number, options: ClassifyOptions = {}): FeatureWindows {
    const m = this.metadata;
    return featureWindows(mono, sampleRate, m, {
      seconds: options.windowSeconds ?? m.window.seconds,
      hopSeconds: options.hopSeconds ?? m.window.hopSeconds,
      padding: options.padding ?? m.window.padding,
    });
  }

  /** Turns window probabilities into the result object. */
  summarise(
    probs: Float32Array,
    windows: FeatureWindows,
    duration: number,
    options: ClassifyOptions = {},
  ): ClassificationResult {
    const set = this.instruments;
    const clip = aggregateWindows(probs, set.size, options.aggregation ?? 'max');
    const thresholds = resolveThresholds(options.thresholds, this.metadata.thresholds, set);
    const scores: InstrumentScore[] = set.instruments.map((inst, i) => ({
      code: inst.code,
      name: inst.name,
      family: inst.family,
      probability: clip[i]!,
      threshold: thresholds[i]!,
      present: clip[i]! >= thresholds[i]!,
    }));
    const ranked = [...scores].sort((a, b) => b.probability - a.probability);
    const topK = options.topK;
    if (topK !== undefined && !(Number.isInteger(topK) && topK > 0)) {
      throw new InvalidArgumentError(`topK must be a positive integer, got ${topK}.`, {
        details: { key: 'topK' },
      });
    }
    const timeline = windows.spans.map((span, w) => ({
      start: span.start,
      end: Math.min(span.end, duration),
      probabilities: Object.fromEntries(set.codes.map((c, i) => [c, probs[w * set.size + i]!])),
    }));
    return {
      ...(options.source ? { source: options.source } : {}),
      duration,
      labels: scores.filter((s) => s.present).map((s) => s.code),
      instruments: topK ? ranked.slice(0, topK) : ranked,
      timeline,
      model: { name: this.metadata.name, sampleRate: this.metadata.sampleRate },
    };
  }

  /** Releases the onnxruntime session. */
  async dispose(): Promise<void> {
    await this.session.release();
  }
}

function audioDurationOf(audio: Audio): number {
  return (audio.channels[0]?.length ?? 0) / audio.sampleRate;
}

/**
 * Resolves a `thresholds` option (one number, one per class, or `{ code: t }` for some codes) against the
 * model's defaults: one threshold per class in the model's order.
 * @throws {@link InvalidArgumentError} for a value outside [0, 1] or an array of the wrong length,
 * {@link UnknownInstrumentError} for a code the model does not have.
 * @example
 * ```ts
 * const { metadata, instruments } = classifier;
 * resolveThresholds({ voi: 0.3 }, metadata.thresholds, instruments); // the model's, with voi's replaced by 0.3
 * resolveThresholds(0.5, metadata.thresholds, instruments); // [0.5, 0.5, …]
 * ```
 */
export function resolveThresholds(
  option: ClassifyOptions['thresholds'],
  defaults: readonly number[],
  set: InstrumentSet,
): number[] {
  const check = (t: number, key: string) => {
    if (!(t >= 0 && t <= 1)) {
      throw new InvalidArgumentError(`Threshold for ${key} must be in [0, 1], got ${t}.`, {
        details: { key: 'thresholds', actual: t },
      });
    }
    return t;
  };
  if (option === undefined) return [...defaults];
  if (typeof option === 'number') return set.codes.map((c) => check(option, c));
  if (Array.isArray(option)) {
    if (option.length !== set.size) {
      throw new InvalidArgumentError(`Expected ${set.size} thresholds, got ${option.length}.`, {
        details: { key: 'thresholds', expected: set.size, actual: option.length },
      });
    }
    return option.map((t, i) => check(t, set.codes[i]!));
  }
  const byCode = option as Readonly<Record<string, number>>;
  for (const code of Object.keys(byCode)) set.indexOf(code);
  return set.codes.map((c, i) => check(byCode[c] ?? defaults[i]!, c));
}
