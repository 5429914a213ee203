import { relative, resolve } from 'node:path';
import { loadClassifier } from '@instr/infer';
import {
  type CliIO,
  type ClassifyFlags,
  classifyOptionsOf,
  createProgress,
  EXIT,
  useColor,
} from '../context.js';
import { collectAudioFiles } from '../files.js';
import {
  errorInfo,
  type FileOutcome,
  type OutputFormat,
  resultsToCsv,
  resultsToJson,
  resultsToTable,
} from '../output.js';

export interface ClassifyCommandFlags extends ClassifyFlags {
  format: OutputFormat;
  timeline?: boolean;
  quiet?: boolean;
}

/** `instr classify <inputs...>`: classifies files (folders recursively) and prints a table, JSON or CSV. */
export async function classifyCommand(
  inputs: string[],
  flags: ClassifyCommandFlags,
  io: CliIO,
): Promise<number> {
  const files = await collectAudioFiles(inputs.map((p) => resolveFrom(io.cwd, p)));
  if (files.length === 0) {
    io.stderr.write(`instr classify: no audio files found in ${inputs.join(', ')}.\n`);
    return EXIT.failure;
  }
  const classifier = await loadClassifier(flags.model);
  const options = classifyOptionsOf(flags);
  const progress = createProgress(io, files.length, Boolean(flags.quiet) || flags.format !== 'table');
  const outcomes: FileOutcome[] = [];
  for (const file of files) {
    const name = displayName(io.cwd, file);
    try {
      const result = await classifier.classifyFile(file, { ...options, source: name });
      outcomes.push({ file: name, result });
    } catch (error) {
      outcomes.push({ file: name, error: errorInfo(error) });
      if (!flags.quiet) io.stderr.write(`instr classify: ${name}: ${(error as Error).message}\n`);
    }
    progress.tick(name);
  }
  progress.stop();
  await classifier.dispose();
  const codes = classifier.instruments.codes;
  const text =
    flags.format === 'json'
      ? resultsToJson(outcomes, flags.timeline)
      : flags.format === 'csv'
        ? resultsToCsv(outcomes, codes, flags.timeline)
        : resultsToTable(outcomes, codes, { timeline: flags.timeline, color: useColor(io) });
  io.stdout.write(text);
  return outcomes.some((o) => 'error' in o) ? EXIT.failure : EXIT.ok;
}

export function resolveFrom(cwd: string, p: string): string {
  return resolve(cwd, p);
}

export function displayName(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}
