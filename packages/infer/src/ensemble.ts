import { type Audio, InvalidArgumentError } from '@instr/core';
import {
  type ClassificationResult,
  type ClassifyOptions,
  type Classifier,
  type InstrumentScore,
  resolveThresholds,
  type TimelineEntry,
} from './classifier.js';

/**
 * A model and its weight in an ensemble (the reference UI's sliders).
 * @example
 * ```ts
 * const members: EnsembleMember[] = [{ classifier: a, weight: 2 }, { classifier: b, weight: 1 }];
 * const result = await classifyEnsemble(members, audio);
 * ```
 */
export interface EnsembleMember {
  classifier: Classifier;
  /** Non-negative weight; weights are normalised to sum to 1. */
  weight: number;
}

/**
 * Classifies with several models and combines their clip-level probabilities by a weighted mean.
 * All members must share the instrument set (same codes, same order). Thresholds default to the
 * weighted mean of the members' thresholds; `options.thresholds` overrides them (validated as by
 * `classify`). `topK` applies to the combined ranking. The timeline is the weighted mean of the members'
 * window probabilities when their windows coincide (same window length and hop); members with other
 * windows keep their own timelines in `members`, and the combined one follows the heaviest member's windows,
 * averaging only the members that share them.
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
  const { thresholds, topK, ...perModel } = options;
  if (topK !== undefined && !(Number.isInteger(topK) && topK > 0)) {
    throw new InvalidArgumentError(`topK must be a positive integer, got ${topK}.`, {
      details: { key: 'topK' },
    });
  }
  // Members rank every class (no topK), so each class has every member's probability.
  const results = await Promise.all(members.map((m) => m.classifier.classify(audio, perModel)));
  const weights = members.map((m) => m.weight / total);
  const codes = first.codes;
  const byCode = results.map((r) => new Map(r.instruments.map((s) => [s.code, s])));
  const probability = codes.map((c) =>
    results.reduce((p, _, k) => p + weights[k]! * byCode[k]!.get(c)!.probability, 0),
  );
  const meanThresholds = codes.map((c) =>
    results.reduce((t, _, k) => t + weights[k]! * byCode[k]!.get(c)!.threshold, 0),
  );
  const threshold = resolveThresholds(thresholds, meanThresholds, first);
  const scores: InstrumentScore[] = codes.map((code, i) => {
    const inst = first.instruments[i]!;
    const p = probability[i]!;
    return {
      code,
      name: inst.name,
      family: inst.family,
      probability: p,
      threshold: threshold[i]!,
      present: p >= threshold[i]!,
    };
  });
  const ranked = [...scores].sort((a, b) => b.probability - a.probability);
  return {
    ...(options.source ? { source: options.source } : {}),
    duration: results[0]!.duration,
    labels: scores.filter((s) => s.present).map((s) => s.code),
    instruments: topK ? ranked.slice(0, topK) : ranked,
    timeline: combinedTimeline(results, weights, codes),
    model: {
      name: `ensemble(${results.map((r) => r.model.name).join(', ')})`,
      sampleRate: results[0]!.model.sampleRate,
    },
    members: results,
  };
}

/** Weighted mean of the timelines of the members whose windows equal the heaviest member's. */
function combinedTimeline(
  results: readonly ClassificationResult[],
  weights: readonly number[],
  codes: readonly string[],
): TimelineEntry[] {
  const lead = weights.indexOf(Math.max(...weights));
  const base = results[lead]!.timeline;
  const same = (t: readonly TimelineEntry[]) =>
    t.length === base.length && t.every((e, w) => e.start === base[w]!.start && e.end === base[w]!.end);
  const group = results.flatMap((r, k) => (same(r.timeline) ? [k] : []));
  const sum = group.reduce((s, k) => s + weights[k]!, 0);
  return base.map((entry, w) => ({
    start: entry.start,
    end: entry.end,
    probabilities: Object.fromEntries(
      codes.map((c) => [
        c,
        group.reduce((p, k) => p + (weights[k]! / sum) * results[k]!.timeline[w]!.probabilities[c]!, 0),
      ]),
    ),
  }));
}
