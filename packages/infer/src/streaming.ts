import { InvalidArgumentError, Tensor } from '@instr/core';
import { modelInput, Resampler, StreamingWindower } from '@instr/dsp';
import {
  type ClassificationResult,
  type Classifier,
  type ClassifyOptions,
  resolveThresholds,
} from './classifier.js';
import type { FeatureWindows } from './features.js';

/**
 * Options of {@link StreamingClassifier}: those of `classify` except `batchSize`, plus the stream's rate.
 * @example
 * ```ts
 * const options: StreamingOptions = { sampleRate: 48000, hopSeconds: 1, thresholds: { voi: 0.3 } };
 * const stream = new StreamingClassifier(classifier, options);
 * ```
 */
export interface StreamingOptions extends Omit<ClassifyOptions, 'batchSize'> {
  /** Sample rate of the pushed PCM (e.g. the microphone's), in Hz. */
  sampleRate: number;
}

/**
 * One window classified while streaming, as `push` resolves them.
 * @example
 * ```ts
 * const updates: StreamingUpdate[] = await stream.push(pcm);
 * for (const u of updates) console.log(u.start, u.end, u.labels, u.probabilities);
 * ```
 */
export interface StreamingUpdate {
  /** Start and end of the window in seconds of the stream. */
  start: number;
  end: number;
  /** Probability per instrument code. */
  probabilities: Record<string, number>;
  /** Codes above their thresholds in this window. */
  labels: string[];
}

/**
 * Classifies a live stream of mono PCM chunks (a microphone, a network stream). Each model window is
 * classified as soon as its samples have arrived, so latency is one window plus one model call. Audio is
 * not kept beyond the window being filled; what grows is the per-window record `finish()` needs for the
 * timeline (the probabilities and span of each window: about 3 MB for 10 hours at a 1.5 s hop). `finish()` returns the same result as `classify()` of the whole recording (same
 * resampling, windows and features, bit for bit).
 *
 * @example
 * ```ts
 * const stream = new StreamingClassifier(classifier, { sampleRate: 48000 });
 * recorder.ondata = async (pcm) => { for (const u of await stream.push(pcm)) console.log(u.start, u.labels); };
 * const result = await stream.finish();
 * ```
 */
export class StreamingClassifier {
  private readonly resampler: Resampler | undefined;
  private readonly windower: StreamingWindower;
  private readonly probs: number[] = [];
  private readonly spans: { start: number; end: number }[] = [];
  private readonly thresholds: number[];
  private samplesIn = 0;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly classifier: Classifier,
    private readonly options: StreamingOptions,
  ) {
    const meta = classifier.metadata;
    const sr = meta.sampleRate;
    if (!(options.sampleRate > 0)) {
      throw new InvalidArgumentError(`sampleRate must be > 0 Hz, got ${options.sampleRate}.`, {
        details: { key: 'sampleRate' },
      });
    }
    this.thresholds = resolveThresholds(options.thresholds, meta.thresholds, classifier.instruments);
    this.resampler = options.sampleRate === sr ? undefined : new Resampler(options.sampleRate, sr);
    const padding = options.padding ?? meta.window.padding;
    this.windower = new StreamingWindower({
      length: Math.round((options.windowSeconds ?? meta.window.seconds) * sr),
      hop: Math.max(1, Math.round((options.hopSeconds ?? meta.window.hopSeconds) * sr)),
      padding,
    });
  }

  /** Adds PCM samples; resolves to the windows they completed, classified. Calls are serialised. */
  push(chunk: Float32Array): Promise<StreamingUpdate[]> {
    const run = this.pending.then(() => {
      this.samplesIn += chunk.length;
      const resampled = this.resampler ? this.resampler.process(chunk) : chunk;
      return this.classifyWindows(this.windower.push(resampled));
    });
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** Ends the stream: classifies the last windows and returns the whole-stream result. */
  async finish(): Promise<ClassificationResult> {
    await this.pending;
    const tail = this.resampler ? this.resampler.flush() : new Float32Array(0);
    const windows = [...this.windower.push(tail), ...this.windower.flush()];
    // A stream shorter than one window under 'drop' padding still gets classified, as offline does.
    await this.classifyWindows(windows);
    const features: FeatureWindows = {
      features: new Tensor('float32', new Float32Array(0), [0]),
      count: this.spans.length,
      spans: this.spans,
    };
    return this.classifier.summarise(
      Float32Array.from(this.probs),
      features,
      this.samplesIn / this.options.sampleRate,
      this.options,
    );
  }

  private async classifyWindows(
    windows: { samples: Float32Array; span: { start: number; end: number } }[],
  ): Promise<StreamingUpdate[]> {
    if (windows.length === 0) return [];
    const meta = this.classifier.metadata;
    const inputs = windows.map((w) => modelInput(w.samples, meta));
    const [mels, frames] = inputs[0]!.dims as [number, number];
    const data = new Float32Array(windows.length * mels * frames);
    inputs.forEach((x, i) => data.set(x.data, i * mels * frames));
    const batch: FeatureWindows = {
      features: new Tensor('float32', data, [windows.length, 1, mels, frames]),
      count: windows.length,
      spans: [],
    };
    const probs = await this.classifier.runWindows(batch, windows.length);
    const set = this.classifier.instruments;
    const sr = meta.sampleRate;
    return windows.map((w, i) => {
      const row = probs.subarray(i * set.size, (i + 1) * set.size);
      this.probs.push(...row);
      const span = { start: w.span.start / sr, end: w.span.end / sr };
      this.spans.push(span);
      const probabilities = Object.fromEntries(set.codes.map((c, k) => [c, row[k]!]));
      return { ...span, probabilities, labels: set.codes.filter((_, k) => row[k]! >= this.thresholds[k]!) };
    });
  }
}
