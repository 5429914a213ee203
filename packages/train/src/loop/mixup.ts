import { Mixup } from '@instr/augment';
import { InvalidArgumentError, Rng, Tensor } from '@instr/core';
import type { TrainBatch } from './batches.js';

/**
 * Batch-level mixup of the training loop (Zhang et al. 2018) on the model inputs (normalised log-mel batches):
 * with probability `p` a batch is mixed, every example with a random partner of the same batch,
 * `x' = λ·x + (1 − λ)·x[partner]`, `λ ~ Beta(alpha, alpha)` per example, kept ≥ 0.5 (`max(λ, 1 − λ)`, fastai's
 * convention, so each example stays dominated by itself). @instr/augment's {@link Mixup} draws it.
 * @example
 * ```ts
 * const mixup: MixupConfig = { alpha: 0.4, p: 0.5 };                  // labels λ·y + (1 − λ)·y[partner]
 * const union: MixupConfig = { alpha: 0.4, p: 0.5, labels: 'max' };   // labels max(y, y[partner])
 * ```
 */
export interface MixupConfig {
  /** Beta(alpha, alpha) of the mixing weight (> 0). 0.4 in instr's default recipe. */
  alpha: number;
  /** Probability that a batch is mixed (in [0, 1]). */
  p: number;
  /**
   * Targets of a mixed example: `'mix'` (default) `λ·y + (1 − λ)·y[partner]`, as the reference systems
   * (soft targets for BCE); `'max'` the union `max(y, y[partner])` (both instruments are audible).
   */
  labels?: 'mix' | 'max';
}

/**
 * Stream key of the loop's mixup draws: batch `b` of epoch `e` draws from `new Rng(seed).derive(MIXUP_STREAM, e, b)`,
 * so a run resumed mid-epoch mixes exactly as an uninterrupted one.
 * @example
 * ```ts
 * const rng = new Rng(seed).derive(MIXUP_STREAM, epoch, batchInEpoch);
 * ```
 */
export const MIXUP_STREAM = 0x6d697875; // "mixu"

/**
 * Checks a {@link MixupConfig} and returns it with defaults.
 * @throws InvalidArgumentError naming `mixup.alpha`, `mixup.p` or `mixup.labels`.
 * @example
 * ```ts
 * checkMixup({ alpha: 0.4, p: 0.5 }); // { alpha: 0.4, p: 0.5, labels: 'mix' }
 * ```
 */
export function checkMixup(config: MixupConfig): Required<MixupConfig> {
  const { alpha, p } = config;
  const labels = config.labels ?? 'mix';
  if (!(typeof alpha === 'number' && Number.isFinite(alpha) && alpha > 0)) {
    throw new InvalidArgumentError(`mixup.alpha must be a number > 0, got ${String(alpha)}.`, {
      details: { key: 'mixup.alpha', actual: alpha },
    });
  }
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) {
    throw new InvalidArgumentError(`mixup.p must be a probability in [0, 1], got ${String(p)}.`, {
      details: { key: 'mixup.p', actual: p },
    });
  }
  if (labels !== 'mix' && labels !== 'max') {
    throw new InvalidArgumentError(`mixup.labels must be 'mix' or 'max', got ${String(labels)}.`, {
      details: { key: 'mixup.labels', actual: labels },
    });
  }
  return { alpha, p, labels };
}

/**
 * Mixes one training batch (see {@link MixupConfig}); a pure function of the batch and `rng` (same draws → same
 * batch). Returns the batch itself when the draw skips it (probability `1 − p`). `ids` and `files` are kept.
 * @example
 * ```ts
 * const mixed = mixupBatch(batch, { alpha: 0.4, p: 0.5 }, new Rng(seed).derive(MIXUP_STREAM, epoch, b));
 * ```
 */
export function mixupBatch(batch: TrainBatch, config: MixupConfig, rng: Rng | number): TrainBatch {
  const c = checkMixup(config);
  const r = new Mixup({ alpha: c.alpha, p: c.p }).apply(
    { x: batch.x, y: batch.y },
    typeof rng === 'number' ? new Rng(rng) : rng,
  );
  if (!r.report.applied) return batch;
  let y = r.output.y;
  if (c.labels === 'max') {
    const partners = r.report.params!.partners;
    const [B, K] = batch.y.dims as [number, number];
    const src = batch.y.data as Float32Array;
    const out = new Float32Array(B * K);
    for (let i = 0; i < B; i++) {
      const j = partners[i]!;
      for (let k = 0; k < K; k++) out[i * K + k] = Math.max(src[i * K + k]!, src[j * K + k]!);
    }
    y = new Tensor('float32', out, [B, K]);
  }
  return { ...batch, x: r.output.x, y };
}
