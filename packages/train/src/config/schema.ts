import { ConfigError } from '@instr/core';
import { z } from 'zod';

const positive = z.number().positive();
const posInt = z.number().int().positive();

/** One dataset source of the config. */
const datasetSchema = z.strictObject({
  /** `csv` (long or wide form, e.g. the shared manifests), `irmas-train`, `irmas-test`, `folder` (unlabelled). */
  type: z.enum(['csv', 'irmas-train', 'irmas-test', 'folder']).describe('Layout of the dataset.'),
  path: z.string().min(1).describe('CSV file or root folder.'),
  /** CSV only: drop rows whose `column` has one of `values` (e.g. `{ column: 'kind', values: ['noise'] }`). */
  exclude: z
    .strictObject({ column: z.string(), values: z.array(z.string()) })
    .optional()
    .describe('CSV only: rows to drop.'),
  /** CSV only: keep rows whose `column` has one of `values`. */
  include: z.strictObject({ column: z.string(), values: z.array(z.string()) }).optional(),
  /** CSV only: column with the group kept together by splits (song, singer). */
  groupColumn: z.string().optional(),
});

const featuresSchema = z.strictObject({
  sampleRate: posInt.default(22050).describe('Sample rate in Hz.'),
  nFft: posInt.default(2048),
  hopLength: posInt.default(512),
  winLength: posInt.optional(),
  nMels: posInt.default(128),
  fmin: z.number().min(0).default(0),
  fmax: z.number().positive().nullable().default(null),
  htk: z.boolean().default(false),
  melNorm: z.enum(['slaney']).nullable().default('slaney'),
  center: z.boolean().default(true),
  padMode: z.enum(['constant', 'reflect']).default('constant'),
  power: positive.default(2),
  db: z
    .strictObject({
      ref: positive.default(1),
      amin: positive.default(1e-10),
      topDb: positive.nullable().default(80),
    })
    .prefault({}),
  /** `'auto'` (mean/std measured on up to 500 training files), `null` (none), or fixed values. */
  normalization: z
    .union([z.literal('auto'), z.null(), z.strictObject({ mean: z.number(), std: positive })])
    .default('auto'),
});

const lossSchema = z.strictObject({
  type: z.enum(['bce', 'focal']).default('bce'),
  posWeight: z
    .union([z.boolean(), z.enum(['negatives', 'reference']), z.array(z.number().min(0))])
    .default(false),
  posWeightMax: positive.optional(),
  labelSmoothing: z.number().min(0).lt(1).default(0),
  gamma: z.number().min(0).default(2),
  alpha: z.number().min(0).max(1).nullable().default(0.25),
  focalVariant: z.enum(['standard', 'reference']).default('standard'),
  familyFactor: z.number().min(0).default(0),
  families: z.array(z.array(z.number().int().min(0))).optional(),
});

const optimizerSchema = z.strictObject({
  type: z.enum(['adamw', 'adam', 'sgd']).default('adamw'),
  weightDecay: z.number().min(0).optional().describe('Default 0.01 for AdamW, 0 otherwise.'),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).optional(),
  eps: positive.optional(),
  momentum: z.number().min(0).optional(),
  nesterov: z.boolean().optional(),
  clipGradNorm: positive.optional(),
  /** Learning-rate multiplier of parameters matching `backbonePattern` (fine-tune the backbone slower). */
  backboneLrScale: positive.optional(),
});

const scheduleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('constant') }),
  z.strictObject({
    type: z.literal('onecycle'),
    maxLr: positive.optional(),
    pctStart: z.number().gt(0).lt(1).optional(),
    divFactor: positive.optional(),
    finalDivFactor: positive.optional(),
    annealStrategy: z.enum(['cos', 'linear']).optional(),
    threePhase: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('cosine-restarts'),
    epochsPerCycle: posInt.optional(),
    tMult: posInt.optional(),
    etaMin: z.number().min(0).optional(),
  }),
  z.strictObject({
    /** Linear warm-up over `warmupEpochs` (default 1), then cosine decay to `final` (default 0.01) × `lr`. */
    type: z.literal('warmup-cosine'),
    warmupEpochs: z.number().min(0).optional(),
    final: z.number().min(0).max(1).optional(),
  }),
  z.strictObject({
    type: z.literal('plateau'),
    factor: z.number().gt(0).lt(1).optional(),
    patience: z.number().int().min(0).optional(),
    cooldown: z.number().int().min(0).optional(),
    minLr: z.number().min(0).optional(),
    threshold: z.number().min(0).optional(),
  }),
]);

/**
 * The training config (`instr train config.json`) as a zod schema. Every key has a default except
 * `data.train`; unknown keys are errors (typos do not pass silently).
 * @example
 * ```ts
 * const r = trainConfigSchema.safeParse(json); // or parseTrainConfig(json) for a ConfigError naming the key
 * ```
 */
export const trainConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1).default('instr-model').describe('Model name (metadata, report title).'),
  outDir: z.string().optional().describe('Run directory. Default runs/<name>.'),
  seed: z.number().int().min(0).default(42),
  /** `'irmas'` (default) or a list of `{ code, name?, family? }`. */
  instruments: z
    .union([
      z.literal('irmas'),
      z
        .array(
          z.strictObject({ code: z.string(), name: z.string().optional(), family: z.string().optional() }),
        )
        .min(1),
    ])
    .default('irmas'),
  data: z.strictObject({
    train: z.union([datasetSchema, z.array(datasetSchema).min(1)]),
    val: z.union([datasetSchema, z.array(datasetSchema).min(1)]).optional(),
    /** Held-out fraction of `train` when `val` is absent (stratified, group-aware). */
    valFraction: z.number().gt(0).lt(1).default(0.2),
    batchSize: posInt.default(32),
    /** Worker threads of the input pipeline (0 = main thread). Default min(2, cores − 1). */
    workers: z.number().int().min(0).optional(),
    cacheDir: z.string().nullable().default(null),
    /** Use only this many training files (quick runs). */
    limit: posInt.optional(),
  }),
  features: featuresSchema.prefault({}),
  window: z
    .strictObject({
      seconds: positive.default(3),
      hopSeconds: positive.default(1.5),
      padding: z.enum(['zero', 'repeat']).default('repeat'),
    })
    .prefault({}),
  augmentation: z
    .strictObject({
      /** Dataset-level mixing ("sum with N"). */
      mix: z
        .strictObject({
          kind: z.enum(['sum', 'concat']).default('sum'),
          p: z.number().min(0).max(1).default(0.5),
          n: posInt.default(2),
        })
        .nullable()
        .default(null),
      /**
       * Batch-level mixup of the normalised training batches in the loop (`λ ~ Beta(alpha, alpha)` per example,
       * kept ≥ 0.5, a random partner in the batch; the batch is mixed with probability `p`). Targets
       * `λ·y + (1 − λ)·y'` (`labels: 'mix'`, default) or `max(y, y')` (`'max'`). Deterministic per seed,
       * epoch and batch (resume gives identical weights). `null` (default) = none.
       */
      mixup: z
        .strictObject({
          alpha: positive.default(0.4),
          p: z.number().min(0).max(1).default(0.5),
          labels: z.enum(['mix', 'max']).default('mix'),
        })
        .nullable()
        .default(null),
      /**
       * An ES module (path relative to the config file) whose export `exportName` builds the pipeline's
       * waveform / spectrogram augmentations in each worker: `(options, context) => ({ waveform?, spectrogram? })`.
       * Spectrogram transforms see the log-mel in dB, before normalisation.
       */
      module: z.string().nullable().default(null),
      /** Export of `module` to call. Default `'default'`. */
      exportName: z.string().min(1).default('default'),
      /**
       * Options passed to the factory. `runFromConfig` adds `normalization` (`{ mean, std }` or `null`, the
       * normalisation applied after the spectrogram transforms) unless the options set it.
       */
      options: z.record(z.string(), z.unknown()).default({}),
    })
    .prefault({}),
  /**
   * `{ type: 'simple-cnn', channels?, hidden?, dropout? }`, or a `@instr/models` zoo config
   * (`{ backbone: { type: 'reference-cnn' }, head: { type: 'deep' } }`), validated by the zoo.
   */
  model: z
    .union([
      z.strictObject({
        type: z.literal('simple-cnn'),
        channels: z.array(posInt).min(1).default([16, 32, 64]),
        hidden: posInt.default(64),
        dropout: z.number().min(0).lt(1).default(0),
      }),
      z.looseObject({ backbone: z.looseObject({ type: z.string() }) }),
    ])
    .default({ type: 'simple-cnn', channels: [16, 32, 64], hidden: 64, dropout: 0 }),
  loss: lossSchema.prefault({}),
  optimizer: optimizerSchema.prefault({}),
  lr: positive.default(1e-3).describe('Base learning rate.'),
  schedule: scheduleSchema.default({ type: 'onecycle' }),
  headWarmup: z
    .strictObject({
      epochs: z.number().int().min(1),
      lr: positive.default(3e-4),
      freeze: z.string().default('^backbone\\.'),
    })
    .nullable()
    .default(null),
  loop: z
    .strictObject({
      epochs: posInt.default(10),
      monitor: z.string().default('val/f1'),
      monitorMode: z.enum(['min', 'max']).optional(),
      earlyStopping: z
        .strictObject({ patience: posInt, minDelta: z.number().min(0).default(0) })
        .nullable()
        .default(null),
      checkpointEverySteps: posInt.optional(),
      /** Gradient accumulation: batches per optimiser update. */
      accumulate: posInt.default(1),
      keepEpochCheckpoints: z.boolean().default(true),
      /**
       * Validation scores every model window of each file (the model's window, hop and padding, as
       * `@instr/infer`) and aggregates them per file: `max` (as inference), `mean` or `attention`.
       */
      valAggregation: z.enum(['max', 'mean', 'attention']).default('max'),
      resume: z.boolean().default(false),
      quiet: z.boolean().default(false),
    })
    .prefault({}),
  export: z
    .strictObject({
      /** `'per-class'`, `'global'` (tuned on validation) or a fixed threshold. */
      thresholds: z.union([z.enum(['per-class', 'global']), z.number().min(0).max(1)]).default('per-class'),
      /** Which weights to export: the best checkpoint (default) or the last. */
      checkpoint: z.enum(['best', 'last']).default('best'),
      report: z.boolean().default(true),
      embeddings: z.boolean().default(false),
      card: z.record(z.string(), z.unknown()).default({}),
    })
    .prefault({}),
});

/** A validated config with every default filled in. */
export type TrainConfig = z.output<typeof trainConfigSchema>;
/** A config as written in the JSON file (defaults optional). */
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/**
 * Validates a parsed config and fills in the defaults.
 * @throws ConfigError whose `details.key` is the dotted path of the first bad key (and the file when given).
 * @example
 * ```ts
 * const cfg = parseTrainConfig({ data: { train: { type: 'csv', path: 'train.csv' } }, loop: { epochs: 5 } });
 * cfg.features.nMels; // 128
 * ```
 */
export function parseTrainConfig(json: unknown, file?: string): TrainConfig {
  const r = trainConfigSchema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  let path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') path = [path, issue.keys[0]].filter(Boolean).join('.');
  const where = file ? ` in ${file}` : '';
  throw new ConfigError(`Training config${where}: "${path || '(root)'}" ${issue.message}.`, {
    details: {
      key: path || '(root)',
      file,
      issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    },
  });
}

/**
 * The JSON Schema of the training config (draft 2020-12) for editors: reference it from a config with
 * `"$schema": "./node_modules/@instr/train/schema/train-config.schema.json"`.
 * @example
 * ```ts
 * writeFileSync('train-config.schema.json', JSON.stringify(trainConfigJsonSchema(), null, 2));
 * ```
 */
export function trainConfigJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(trainConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<
      string,
      unknown
    >),
    title: 'instr training config',
  };
}

/**
 * Applies `key.path=value` overrides (as the CLI's `--set loop.epochs=3`) to a parsed JSON config; values are
 * parsed as JSON when possible, else kept as strings.
 * @throws ConfigError naming the override that cannot be applied.
 * @example
 * ```ts
 * applyOverrides(json, { 'loop.epochs': 3, 'data.batchSize': '16' });
 * ```
 */
export function applyOverrides(
  json: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const out = structuredClone(json);
  for (const [key, raw] of Object.entries(overrides)) {
    let value = raw;
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    const parts = key.split('.');
    let o: Record<string, unknown> = out;
    for (const p of parts.slice(0, -1)) {
      const next = o[p];
      if (next === undefined) o[p] = {};
      else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new ConfigError(`Override "${key}": "${p}" is not an object in the config.`, {
          details: { key },
        });
      }
      o = o[p] as Record<string, unknown>;
    }
    o[parts.at(-1)!] = value;
  }
  return out;
}
