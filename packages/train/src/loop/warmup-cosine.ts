import { InvalidArgumentError } from '@instr/core';
import type { LrSchedule } from '../schedules/schedules.js';

/**
 * The `'warmup-cosine'` schedule of {@link train} and the config: a linear warm-up over the first
 * `warmupEpochs` epochs (step `s` of `W` warm-up steps gets `lr·(s + 1)/W`), then a cosine decay from `lr` to
 * `final · lr` over the remaining steps (instr's default-model recipe: 1 epoch, 1 %).
 * @example
 * ```ts
 * const schedule: WarmupCosineConfig = { type: 'warmup-cosine', warmupEpochs: 1, final: 0.01 };
 * ```
 */
export interface WarmupCosineConfig {
  type: 'warmup-cosine';
  /** Epochs of linear warm-up (≥ 0; 0 = none). Default 1. */
  warmupEpochs?: number;
  /** Last lr as a fraction of the peak, in [0, 1]. Default 0.01. */
  final?: number;
}

/**
 * Linear warm-up then cosine decay (see {@link WarmupCosineConfig}) as an {@link LrSchedule} of the optimiser step.
 * Steps past `totalSteps` stay at `final · lr`.
 * @throws InvalidArgumentError naming the bad option.
 * @example
 * ```ts
 * const s = warmupCosine({ lr: 1e-3, stepsPerEpoch: 100, totalSteps: 2400 });
 * s(0); // 1e-5 (first warm-up step)
 * s(99); // 1e-3 (peak)
 * s(2399); // ≈ 1e-5 (1 % of the peak)
 * ```
 */
export function warmupCosine(options: {
  lr: number;
  stepsPerEpoch: number;
  totalSteps: number;
  warmupEpochs?: number;
  final?: number;
}): LrSchedule {
  const { lr, stepsPerEpoch, totalSteps } = options;
  const warmupEpochs = options.warmupEpochs ?? 1;
  const final = options.final ?? 0.01;
  const bad = (key: string, actual: unknown, what: string): never => {
    throw new InvalidArgumentError(`schedule.${key} must be ${what}, got ${String(actual)}.`, {
      details: { key: `schedule.${key}`, actual },
    });
  };
  if (!(lr > 0)) bad('lr', lr, '> 0');
  if (!(warmupEpochs >= 0) || !Number.isFinite(warmupEpochs)) bad('warmupEpochs', warmupEpochs, '≥ 0');
  if (!(final >= 0 && final <= 1)) bad('final', final, 'in [0, 1]');
  const warm = Math.min(Math.round(warmupEpochs * stepsPerEpoch), Math.max(0, totalSteps - 1));
  const decay = Math.max(1, totalSteps - warm);
  return (step) => {
    if (step < warm) return (lr * (step + 1)) / warm;
    const t = Math.min(step - warm, decay);
    return lr * (final + (1 - final) * 0.5 * (1 + Math.cos((Math.PI * t) / decay)));
  };
}
