import { pathToFileURL } from 'node:url';
import {
  type Audio,
  DatasetError,
  type FeatureSpec,
  type Instrument,
  InstrError,
  InstrumentSet,
  Rng,
  Tensor,
  toMono,
} from '@instr/core';
import {
  ConcatN,
  type ConcatMixOptions,
  ExponentialN,
  type MixSource,
  type SourceMixer,
  SumN,
  type SumMixOptions,
  type Transform,
} from '@instr/augment';
import { modelInputWindows, type ResampleOptions } from '@instr/dsp';
import { AudioCache, loadMonoAudio } from '../data/cache.js';
import {
  logMelFrames,
  type ModelWindow,
  type SegmentPadding,
  segment,
  windowSamples,
  windowStarts,
} from './features.js';

/**
 * Augmentations the pipeline applies to each training example.
 * @example
 * ```ts
 * // augment.ts, loaded by each worker
 * export default (): PipelineAugmentations => ({ waveform: new Gain({ p: 0.5 }), spectrogram: new FrequencyMasking() });
 * ```
 */
export interface PipelineAugmentations {
  /** Applied to the (mixed) mono waveform before cropping. */
  waveform?: Transform<Audio, object>;
  /** Applied to each `[nMels, frames]` log-mel window before normalisation. */
  spectrogram?: Transform<Tensor<'float32'>, object>;
}

/**
 * Where worker threads find the augmentations: a module (path or URL) whose export `exportName`
 * (default `'default'`) is a function `(options, context) => PipelineAugmentations` (it may be async).
 * Transforms are classes with code, so they cannot be sent to a worker; each worker builds its own.
 * @example
 * ```ts
 * new DataPipeline({ ...options, augment: { module: new URL('./augment.js', import.meta.url), options: { p: 0.5 } } satisfies AugmentModuleSpec });
 * ```
 */
export interface AugmentModuleSpec {
  module: string | URL;
  exportName?: string;
  /** Passed to the factory (must be structured-cloneable). */
  options?: unknown;
}

/**
 * Context given to an augmentation factory.
 * @example
 * ```ts
 * export default (opts: unknown, { sampleRate }: AugmentFactoryContext) => ({ waveform: new PitchShift({ sampleRate }) });
 * ```
 */
export interface AugmentFactoryContext {
  sampleRate: number;
  instruments: InstrumentSet;
}

/**
 * A dataset-level mixer ("sum with N" and friends) built in each worker from the dataset's items.
 * @example
 * ```ts
 * new DataPipeline({ ...options, mix: { kind: 'sum', p: 0.5, options: { n: 2, genre: 'same' } } satisfies MixSpec });
 * ```
 */
export type MixSpec =
  | {
      kind: 'sum';
      p?: number;
      options?: Omit<SumMixOptions, 'instruments' | 'sourceWeight' | 'resample'> & { n?: number };
    }
  | {
      kind: 'exponential';
      p?: number;
      options?: Omit<SumMixOptions, 'instruments' | 'sourceWeight' | 'resample'> & {
        rate?: number;
        maxExtra?: number;
      };
    }
  | {
      kind: 'concat';
      p?: number;
      options?: Omit<ConcatMixOptions, 'instruments' | 'sourceWeight' | 'resample'>;
    };

/** @internal The structured-cloneable configuration every worker receives. */
export interface ProcessorConfig {
  items: { id: string; path: string; labels: Float32Array; genre?: string }[];
  instruments: Instrument[];
  seed: number;
  sampleRate: number;
  features: FeatureSpec;
  frames: number;
  crop: 'random' | 'start' | 'center';
  pad: SegmentPadding;
  windows: 'one' | 'all' | 'model';
  windowHopFrames: number;
  /** The model window for `windows: 'model'` (inference windowing), else null. */
  modelWindow: ModelWindow | null;
  normalization: { mean: number; std: number } | null;
  mix: MixSpec | null;
  augment: { module: string; exportName: string; options: unknown } | null;
  cacheDir: string | null;
  cacheFeatures: boolean;
  resample: ResampleOptions;
}

/** @internal One example to compute. */
export interface ExampleTask {
  /** Position in the epoch's order (the example's random stream is derived from (seed, epoch, position)). */
  position: number;
  /** Dataset index. */
  item: number;
  epoch: number;
}

/** @internal A computed example: `windows` log-mel windows `[windows, nMels, frames]` and its labels. */
export interface ExampleResult {
  position: number;
  x: Float32Array;
  windows: number;
  y: Float32Array;
}

/** @internal Plain-object form of an error crossing the thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  details?: Record<string, unknown>;
  stack?: string;
}

/** @internal */
export function serializeError(e: unknown): SerializedError {
  if (InstrError.isInstance(e)) {
    return {
      name: e.name,
      message: e.message,
      code: e.code,
      details: safeDetails(e.details),
      stack: e.stack,
    };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, stack: err.stack };
}

function safeDetails(d: Record<string, unknown>): Record<string, unknown> {
  try {
    return structuredClone(d);
  } catch {
    return JSON.parse(JSON.stringify(d)) as Record<string, unknown>;
  }
}

/**
 * @internal Turns an example failure into an InstrError naming the file: the original class's code and
 * details are kept, `details.file` is set, and the message starts with the file unless it names it.
 */
export function exampleError(e: SerializedError, file: string, id: string): InstrError {
  const code = (e.code ?? 'DATASET') as ConstructorParameters<typeof InstrError>[0];
  const message = e.message.includes(file) ? e.message : `${file}: ${e.message}`;
  const err = new InstrError(code, message, { details: { ...(e.details ?? {}), file, id } });
  err.name = e.code ? e.name : 'DatasetError';
  if (e.stack)
    err.stack = `${err.name}: ${message}\n    [pipeline worker] ${e.stack.split('\n').slice(1).join('\n')}`;
  return err;
}

/**
 * @internal Computes examples: decode (through the cache), mix, waveform augmentation, crop or window,
 * log-mel, spectrogram augmentation, normalisation. A pure function of (config, task), so results do not
 * depend on which thread runs it or when.
 */
export class ExampleProcessor {
  private readonly config: ProcessorConfig;
  private readonly cache: AudioCache | undefined;
  private readonly instruments: InstrumentSet;
  private mixer: SourceMixer | undefined;
  private augment: PipelineAugmentations = {};
  private readonly root: Rng;

  private constructor(config: ProcessorConfig, augment?: PipelineAugmentations) {
    this.config = config;
    this.cache = config.cacheDir ? new AudioCache({ dir: config.cacheDir }) : undefined;
    this.instruments = InstrumentSet.fromJSON(config.instruments);
    this.root = new Rng(config.seed);
    if (augment) this.augment = augment;
    if (config.mix) this.mixer = this.buildMixer(config.mix);
  }

  /** Builds a processor, importing the augmentation module when there is one. */
  static async create(config: ProcessorConfig, augment?: PipelineAugmentations): Promise<ExampleProcessor> {
    const p = new ExampleProcessor(config, augment);
    if (config.augment) {
      const spec = config.augment;
      const url = spec.module.startsWith('file:') ? spec.module : pathToFileURL(spec.module).href;
      let mod: Record<string, unknown>;
      try {
        mod = (await import(url)) as Record<string, unknown>;
      } catch (cause) {
        throw new DatasetError(
          `Cannot import the augmentation module ${spec.module}: ${(cause as Error).message}`,
          {
            details: { file: spec.module, key: 'augment.module' },
            cause,
          },
        );
      }
      const factory = mod[spec.exportName];
      if (typeof factory !== 'function') {
        throw new DatasetError(
          `The augmentation module ${spec.module} has no function export "${spec.exportName}".`,
          { details: { file: spec.module, key: 'augment.exportName' } },
        );
      }
      p.augment = (await factory(spec.options, {
        sampleRate: config.sampleRate,
        instruments: p.instruments,
      } satisfies AugmentFactoryContext)) as PipelineAugmentations;
    }
    return p;
  }

  private load(path: string): Promise<Float32Array> {
    return loadMonoAudio(
      path,
      { sampleRate: this.config.sampleRate, resample: this.config.resample },
      this.cache,
    );
  }

  private buildMixer(spec: MixSpec): SourceMixer {
    const sources: MixSource[] = this.config.items.map((item) => ({
      labels: item.labels,
      ...(item.genre !== undefined ? { genre: item.genre } : {}),
      load: async (): Promise<Audio> => ({
        sampleRate: this.config.sampleRate,
        channels: [await this.load(item.path)],
      }),
    }));
    const base = { instruments: this.instruments };
    if (spec.kind === 'sum') return new SumN(sources, { ...spec.options, ...base });
    if (spec.kind === 'exponential') return new ExponentialN(sources, { ...spec.options, ...base });
    return new ConcatN(sources, { ...spec.options, ...base });
  }

  /** Whether an example's output depends on its random stream (otherwise features can be cached). */
  private get deterministic(): boolean {
    const c = this.config;
    return (
      !c.mix &&
      !this.augment.waveform &&
      !this.augment.spectrogram &&
      (c.crop !== 'random' || c.windows !== 'one')
    );
  }

  async run(task: ExampleTask): Promise<ExampleResult> {
    const c = this.config;
    const item = c.items[task.item];
    if (!item)
      throw new DatasetError(`No item ${task.item} in the pipeline's dataset.`, { details: { key: 'item' } });
    const rng = this.root.derive(task.epoch, task.position);
    let windows: Float32Array[];
    let y = item.labels;
    const L = windowSamples(c.features, c.frames);
    if (this.deterministic && this.cache && c.cacheFeatures) {
      const t = await this.cache.features(
        item.path,
        {
          sampleRate: c.sampleRate,
          resample: c.resample,
          features: c.features,
          frames: c.frames,
          crop: c.crop,
          pad: c.pad,
          windows: c.windows,
          hop: c.windowHopFrames,
          ...(c.windows === 'model' ? { modelWindow: c.modelWindow } : {}),
        },
        async () => {
          const ws = this.cutWindows(await this.load(item.path), L, rng);
          return stack(ws, c.features.nMels, c.frames);
        },
      );
      windows = unstack(t, c.features.nMels * c.frames);
    } else {
      let wave = await this.load(item.path);
      if (this.mixer && rng.derive(0).uniform() < (c.mix!.p ?? 1)) {
        const mixed = await this.mixer.mix(task.item, rng.derive(1));
        wave = toMono(mixed.audio);
        y = mixed.labels as Float32Array;
      }
      if (this.augment.waveform) {
        const out = this.augment.waveform.apply(
          { sampleRate: c.sampleRate, channels: [wave] },
          rng.derive(2),
        ).output;
        wave = toMono(out);
      }
      windows = this.cutWindows(wave, L, rng);
    }
    const { nMels } = c.features;
    const size = nMels * c.frames;
    const x = new Float32Array(windows.length * size);
    windows.forEach((w, k) => {
      let win = w;
      if (this.augment.spectrogram) {
        const t = this.augment.spectrogram.apply(
          new Tensor('float32', win, [nMels, c.frames]),
          rng.derive(4, k),
        ).output;
        win = t.data as Float32Array;
      }
      x.set(win, k * size);
    });
    if (c.normalization) {
      const { mean, std } = c.normalization;
      const inv = 1 / std;
      for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean) * inv;
    }
    return { position: task.position, x, windows: windows.length, y: Float32Array.from(y) };
  }

  /** Cuts the waveform into windows and returns their log-mels, each `[nMels · frames]`. */
  private cutWindows(wave: Float32Array, L: number, rng: Rng): Float32Array[] {
    const c = this.config;
    if (c.windows === 'model') {
      // Inference windowing (@instr/dsp modelInputWindows, which @instr/infer runs too; the wave is already at
      // the model rate). Normalisation is applied by the caller with the same arithmetic as modelInput, so
      // identity here keeps the result bit-identical.
      const { features: x, count } = modelInputWindows(wave, c.sampleRate, {
        sampleRate: c.sampleRate,
        features: c.features,
        normalization: { mean: 0, std: 1 },
        window: c.modelWindow!,
      });
      if (count === 0) {
        throw new DatasetError('The file has no audio samples to cut into model windows.', {
          details: { key: 'samples', actual: wave.length },
        });
      }
      const size = c.features.nMels * c.frames;
      if (x.data.length !== count * size) {
        throw new DatasetError(
          `Model windows give ${x.dims[3]} frames, the pipeline expects ${c.frames} (window ${c.modelWindow!.seconds} s).`,
          { details: { key: 'modelWindow.seconds', expected: c.frames, actual: x.dims[3] } },
        );
      }
      return Array.from({ length: count }, (_, k) => x.data.subarray(k * size, (k + 1) * size));
    }
    let starts: number[];
    if (c.windows === 'all') {
      starts = windowStarts(wave.length, L, c.windowHopFrames * c.features.hopLength);
    } else if (wave.length <= L || c.crop === 'start') {
      starts = [0];
    } else if (c.crop === 'center') {
      starts = [Math.floor((wave.length - L) / 2)];
    } else {
      starts = [rng.derive(3).int(0, wave.length - L)];
    }
    return starts.map(
      (s) => logMelFrames(segment(wave, s, L, c.pad), c.features, c.sampleRate, c.frames).data,
    );
  }
}

function stack(windows: Float32Array[], nMels: number, frames: number): Tensor<'float32'> {
  const size = nMels * frames;
  const out = new Float32Array(windows.length * size);
  windows.forEach((w, k) => {
    out.set(w, k * size);
  });
  return new Tensor('float32', out, [windows.length, nMels, frames]);
}

function unstack(t: Tensor<'float32'>, size: number): Float32Array[] {
  const n = t.data.length / size;
  return Array.from({ length: n }, (_, k) => t.data.subarray(k * size, (k + 1) * size) as Float32Array);
}
