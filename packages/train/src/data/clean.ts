import { InvalidArgumentError } from '@instr/core';
import { type AudioCache, loadMonoAudio } from './cache.js';
import type { Dataset } from './dataset.js';
import { mapConcurrent, type ProgressCallback } from './files.js';

/**
 * Options of {@link cleanDataset}. Defaults are the reference cleaning's (doc: |x| < 0.001 for 80 %, ≥ 1 s).
 * @example
 * ```ts
 * await cleanDataset(ds, { sampleRate: 16000, minSeconds: 1, concurrency: 4 } satisfies CleanOptions);
 * ```
 */
export interface CleanOptions {
  /** Rate files are decoded at for the checks. Default 16000 (the reference's training rate). */
  sampleRate?: number;
  /** Amplitude under which a peak-normalised sample counts as silent. Default 1e-3. */
  silenceThreshold?: number;
  /** A file is silent when more than this fraction of its samples is silent (the reference's `mean(|x| < eps) > pct`). Default 0.8. */
  silentFraction?: number;
  /** Files shorter than this many seconds are excluded. Default 1. */
  minSeconds?: number;
  /** Files decoded at once. Default 4. */
  concurrency?: number;
  /** Called after each file. */
  onProgress?: ProgressCallback;
  /** Decode through this cache (the decoded audio is reused by training). */
  cache?: AudioCache;
}

/**
 * One excluded file and why.
 * @example
 * ```ts
 * for (const issue of report.silent as CleanIssue[]) console.log(issue.id, issue.detail);
 * ```
 */
export interface CleanIssue {
  id: string;
  path: string;
  /** `unreadable`: the error message; `silent`: the silent fraction; `too-short`: the seconds. */
  reason: 'unreadable' | 'silent' | 'too-short';
  detail: string;
  /** Silent fraction or seconds, when it applies. */
  value?: number;
}

/**
 * What {@link cleanDataset} did.
 * @example
 * ```ts
 * const { report }: { report: CleanReport } = await cleanDataset(ds);
 * console.log(report.excluded, report.tooShort.length);
 * ```
 */
export interface CleanReport {
  checked: number;
  kept: number;
  excluded: number;
  unreadable: CleanIssue[];
  silent: CleanIssue[];
  tooShort: CleanIssue[];
  /** Seconds of the kept files (at `sampleRate`). */
  keptSeconds: number;
  /** The options used (defaults filled in). */
  options: Required<Pick<CleanOptions, 'sampleRate' | 'silenceThreshold' | 'silentFraction' | 'minSeconds'>>;
}

/**
 * Fraction of samples whose magnitude after peak normalisation is below `threshold` (1 for all-zero audio).
 * @example
 * ```ts
 * silentFraction(y, 1e-3) > 0.8; // the reference's "bad file" test
 * ```
 */
export function silentFraction(y: Float32Array, threshold = 1e-3): number {
  let peak = 0;
  for (let i = 0; i < y.length; i++) {
    const a = Math.abs(y[i]!);
    if (a > peak) peak = a;
  }
  if (peak === 0 || y.length === 0) return 1;
  const t = threshold * peak;
  let quiet = 0;
  for (let i = 0; i < y.length; i++) if (Math.abs(y[i]!) < t) quiet++;
  return quiet / y.length;
}

/**
 * Decodes every file (in parallel, bounded) and excludes unreadable, silent and too-short ones, returning
 * the cleaned dataset and a report naming each excluded file and why. Durations measured on the way are
 * stored in the kept items' `durationSeconds`.
 * @example
 * ```ts
 * const { dataset, report } = await cleanDataset(ds, { onProgress: ({ done, total }) => log(done, total) });
 * console.log(`${report.excluded} excluded:`, report.silent.map((i) => i.id));
 * ```
 */
export async function cleanDataset(
  dataset: Dataset,
  options: CleanOptions = {},
): Promise<{ dataset: Dataset; report: CleanReport }> {
  const sampleRate = options.sampleRate ?? 16000;
  const silenceThreshold = options.silenceThreshold ?? 1e-3;
  const fraction = options.silentFraction ?? 0.8;
  const minSeconds = options.minSeconds ?? 1;
  for (const [key, v] of Object.entries({ sampleRate, silenceThreshold, silentFraction: fraction })) {
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new InvalidArgumentError(`cleanDataset: ${key} must be > 0, got ${v}.`, {
        details: { key, actual: v },
      });
    }
  }
  if (!(minSeconds >= 0)) {
    throw new InvalidArgumentError(`cleanDataset: minSeconds must be ≥ 0, got ${minSeconds}.`, {
      details: { key: 'minSeconds', actual: minSeconds },
    });
  }
  const results = await mapConcurrent(
    dataset.items,
    options.concurrency ?? 4,
    async (item): Promise<CleanIssue | number> => {
      let y: Float32Array;
      try {
        y = await loadMonoAudio(item.path, { sampleRate }, options.cache);
      } catch (e) {
        return { id: item.id, path: item.path, reason: 'unreadable', detail: (e as Error).message };
      }
      const seconds = y.length / sampleRate;
      if (seconds < minSeconds) {
        return {
          id: item.id,
          path: item.path,
          reason: 'too-short',
          detail: `${seconds.toFixed(3)} s < ${minSeconds} s`,
          value: seconds,
        };
      }
      const f = silentFraction(y, silenceThreshold);
      if (f > fraction) {
        return {
          id: item.id,
          path: item.path,
          reason: 'silent',
          detail: `${(100 * f).toFixed(1)} % of samples below ${silenceThreshold} of the peak`,
          value: f,
        };
      }
      return seconds;
    },
    (done, total, i) => options.onProgress?.({ done, total, id: dataset.items[i]!.id }),
  );
  const keptIndices: number[] = [];
  const report: CleanReport = {
    checked: dataset.size,
    kept: 0,
    excluded: 0,
    unreadable: [],
    silent: [],
    tooShort: [],
    keptSeconds: 0,
    options: { sampleRate, silenceThreshold, silentFraction: fraction, minSeconds },
  };
  results.forEach((r, i) => {
    if (typeof r === 'number') {
      keptIndices.push(i);
      report.keptSeconds += r;
    } else if (r.reason === 'unreadable') report.unreadable.push(r);
    else if (r.reason === 'silent') report.silent.push(r);
    else report.tooShort.push(r);
  });
  report.kept = keptIndices.length;
  report.excluded = dataset.size - report.kept;
  const cleaned = dataset
    .subset(keptIndices, dataset.name)
    .map((item, k) => ({ ...item, durationSeconds: results[keptIndices[k]!] as number }));
  return { dataset: cleaned, report };
}
