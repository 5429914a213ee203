import { relative, resolve } from 'node:path';
import { type InstrumentSet, UnknownInstrumentError } from '@instr/core';
import { type ClassificationResult, type ClassifyOptions, loadClassifier } from '@instr/infer';
import { type Evaluation, evaluate } from '@instr/metrics';
import { writeFileAtomic, writeReport } from '@instr/metrics/node';
import Table from 'cli-table3';
import {
  type CliIO,
  type ClassifyFlags,
  classifyOptionsOf,
  createProgress,
  EXIT,
  useColor,
} from '../context.js';
import { type LabelledFile, loadEvalDataset } from '../dataset.js';

export interface EvalCommandFlags extends ClassifyFlags {
  report?: string;
  json?: string;
  ignoreUnknownLabels?: boolean;
  quiet?: boolean;
}

/** What {@link evaluateDataset} returns. */
export interface DatasetEvaluation {
  evaluation: Evaluation;
  files: { file: string; labels: string[]; result?: ClassificationResult; error?: string }[];
  skipped: number;
}

/**
 * What {@link evaluateDataset} needs of a model: its instruments, its name and a way to classify one file.
 * A `NodeClassifier` is one; the HTTP service passes one whose `classifyFile` runs on a worker thread.
 */
export interface EvaluatedModel {
  readonly instruments: InstrumentSet;
  readonly metadata: { readonly name: string };
  classifyFile(path: string, options: ClassifyOptions): Promise<ClassificationResult>;
}

/** Hooks of {@link evaluateDataset}. */
export interface EvaluateDatasetHooks {
  /** Called after each file (classified or skipped). */
  onFile?: (name: string) => void;
  /** Checked before each file: once aborted, the evaluation stops and rejects with its reason. */
  signal?: AbortSignal;
  /** Errors of `classifyFile` that end the evaluation instead of skipping the file (default: none). */
  fatal?: (error: unknown) => boolean;
}

/**
 * Classifies every file of a labelled set, one at a time, and evaluates the clip-level probabilities with
 * `@instr/metrics` (thresholds: the model's, or the `thresholds` option). Files that fail to decode are
 * reported and left out.
 * @throws {@link UnknownInstrumentError} when a label is not one of the model's instruments (unless ignored).
 */
export async function evaluateDataset(
  model: EvaluatedModel,
  items: readonly LabelledFile[],
  flags: ClassifyFlags & { ignoreUnknownLabels?: boolean },
  hooks: EvaluateDatasetHooks = {},
): Promise<DatasetEvaluation> {
  const { onFile = () => {}, signal, fatal = () => false } = hooks;
  const set = model.instruments;
  for (const item of items) {
    for (const code of item.labels) {
      if (!set.codes.includes(code) && !flags.ignoreUnknownLabels) {
        throw new UnknownInstrumentError(
          `${item.file} is labelled "${code}", which the model ${model.metadata.name} does not predict (it knows ${set.codes.join(', ')}); pass --ignore-unknown-labels to drop such labels.`,
          { details: { file: item.file, actual: code, expected: set.codes } },
        );
      }
    }
  }
  const options = classifyOptionsOf({ ...flags, topK: undefined });
  const yTrue: number[][] = [];
  const yScore: number[][] = [];
  const files: DatasetEvaluation['files'] = [];
  let thresholds: number[] | undefined;
  for (const item of items) {
    signal?.throwIfAborted();
    try {
      const result = await model.classifyFile(item.file, options);
      const p = new Map(result.instruments.map((s) => [s.code, s]));
      thresholds ??= set.codes.map((c) => p.get(c)!.threshold);
      yScore.push(set.codes.map((c) => p.get(c)!.probability));
      yTrue.push(set.codes.map((c) => (item.labels.includes(c) ? 1 : 0)));
      files.push({ file: item.file, labels: item.labels, result });
    } catch (error) {
      if (fatal(error)) throw error;
      files.push({ file: item.file, labels: item.labels, error: (error as Error).message });
    }
    onFile(item.file);
  }
  const evaluation = evaluate(yTrue, yScore, { instruments: set, thresholds: thresholds ?? 0.5 });
  return { evaluation, files, skipped: files.filter((f) => f.error).length };
}

/** `instr eval <dataset>`: metrics of a model on a labelled set, printed and optionally as an HTML report. */
export async function evalCommand(dataset: string, flags: EvalCommandFlags, io: CliIO): Promise<number> {
  const path = resolve(io.cwd, dataset);
  const items = await loadEvalDataset(path);
  const classifier = await loadClassifier(flags.model ? resolve(io.cwd, flags.model) : undefined);
  const progress = createProgress(io, items.length, Boolean(flags.quiet));
  const result = await evaluateDataset(classifier, items, flags, {
    onFile: (f) => progress.tick(relative(io.cwd, f)),
  });
  progress.stop();
  await classifier.dispose();
  for (const f of result.files) if (f.error) io.stderr.write(`instr eval: skipped ${f.file}: ${f.error}\n`);
  const ev = result.evaluation;
  const s = ev.summary;
  const style = useColor(io) ? {} : { head: [], border: [] };
  const table = new Table({
    head: ['instrument', 'support', 'precision', 'recall', 'f1', 'AP', 'AUC', 'threshold'],
    style,
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const [code, c] of Object.entries(ev.perClass)) {
    table.push([
      code,
      c.support,
      f3(c.precision),
      f3(c.recall),
      f3(c.f1),
      f3(c.ap),
      f3(c.auc),
      f3(c.threshold),
    ]);
  }
  io.stdout.write(
    `${ev.numExamples} files (${result.skipped} skipped), model ${classifier.metadata.name}\n` +
      `F1 micro ${f3(s.f1.micro)}  macro ${f3(s.f1.macro)}  mAP ${f3(s.mAP)}  lwlrap ${f3(s.lwlrap)}  ` +
      `hamming ${f3(s.hammingScore)}  subset acc ${f3(s.subsetAccuracy)}\n${table.toString()}\n`,
  );
  if (flags.report) {
    const out = resolve(io.cwd, flags.report);
    await writeReport(out, ev, {
      title: `instr eval: ${dataset}`,
      subtitle: `model ${classifier.metadata.name}`,
    });
    if (!flags.quiet) io.stderr.write(`instr eval: wrote ${relative(io.cwd, out)}\n`);
  }
  if (flags.json) {
    const { instruments: _i, curves: _c, ...rest } = ev;
    await writeFileAtomic(
      resolve(io.cwd, flags.json),
      `${JSON.stringify({ source: dataset, model: classifier.metadata.name, ...rest, instruments: ev.instruments.codes }, null, 2)}\n`,
    );
  }
  return result.skipped > 0 ? EXIT.failure : EXIT.ok;
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
