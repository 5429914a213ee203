import { type Audio, InvalidArgumentError } from '@instr/core';
import type { ClassificationResult, ClassifyOptions, Classifier, InstrumentScore } from './classifier.js';

/** A model and its weight in an ensemble (the reference UI's sliders). */
export interface EnsembleMember {
  classifier: Classifier;
  /** Non-negative weight; weights are normalised to sum to 1. */
  weight: number;
}

/**
 * Classifies with several models and combines their clip-level probabilities by a weighted mean.
 * All members must share the instrument set (same codes, same order). Thresholds default to the
 * weighted mean of the members' thresholds; `options.thresholds` overrides them.
 *
 * @example
 * ```ts
 * const result = await classifyEnsemble([{ classifier: a, weight: 2 }, { classifier: b, weight: 1 }], audio);
 * ```
 */
export async function classifyEnsemble(
  members: readonly EnsembleMember[],
  audio: Audio,
  options: ClassifyOptions = {},
): Promise<ClassificationResult & { members: ClassificationResult[] }> {
  if (members.length === 0) throw new InvalidArgumentError('An ensemble needs at least one model.');
  const first = members[0]!.classifier.instruments;
  for (const m of members) {
    if (!(m.weight >= 0) || !Number.isFinite(m.weight)) {
      throw new InvalidArgumentError(`Ensemble weights must be finite and ≥ 0, got ${m.weight}.`, {
        details: { key: 'weight' },
      });
    }
    if (!m.classifier.instruments.equals(first)) {
      throw new InvalidArgumentError(
        'All ensemble models must predict the same instruments in the same order.',
        {
          details: { expected: first.codes, actual: m.classifier.instruments.codes },
        },
      );
    }
  }
  const total = members.reduce((s, m) => s + m.weight, 0);
  if (total <= 0) throw new InvalidArgumentError('At least one ensemble weight must be positive.');
  const { thresholds, ...perModel } = options;
  const results = await Promise.all(members.map((m) => m.classifier.classify(audio, perModel)));
  const codes = first.codes;
  const prob = (r: ClassificationResult, code: string) => r.instruments.find((s) => s.code === code)!;
  const scores: InstrumentScore[] = codes.map((code, i) => {
    const inst = first.instruments[i]!;
    let p = 0;
    let t = 0;
    results.forEach((r, k) => {
      const w = members[k]!.weight / total;
      p += w * prob(r, code).probability;
      t += w * prob(r, code).threshold;
    });
    const threshold = resolveOne(thresholds, code, i, t);
    return { code, name: inst.name, family: inst.family, probability: p, threshold, present: p >= threshold };
  });
  const ranked = [...scores].sort((a, b) => b.probability - a.probability);
  return {
    ...(options.source ? { source: options.source } : {}),
    duration: results[0]!.duration,
    labels: scores.filter((s) => s.present).map((s) => s.code),
    instruments: options.topK ? ranked.slice(0, options.topK) : ranked,
    timeline: results[0]!.timeline,
    model: {
      name: `ensemble(${results.map((r) => r.model.name).join(', ')})`,
      sampleRate: results[0]!.model.sampleRate,
    },
    members: results,
  };
}

function resolveOne(
  option: ClassifyOptions['thresholds'],
  code: string,
  index: number,
  fallback: number,
): number {
  if (option === undefined) return fallback;
  if (typeof option === 'number') return option;
  if (Array.isArray(option)) return option[index] ?? fallback;
  return (option as Record<string, number>)[code] ?? fallback;
}
