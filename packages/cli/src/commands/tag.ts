import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, relative, resolve } from 'node:path';
import { IOError, ModelError } from '@instr/core';
import { defaultModelPath, readModelMetadata } from '@instr/infer';
import { writeFileAtomic } from '@instr/metrics/node';
import { Piscina } from 'piscina';
import {
  type CliIO,
  type ClassifyFlags,
  classifyOptionsOf,
  createProgress,
  EXIT,
  UsageError,
} from '../context.js';
import { collectAudioFiles } from '../files.js';
import { type FileOutcome, resultsToCsv, resultsToJson } from '../output.js';
import { Journal } from '../tag/journal.js';
import type { TagTask, TagTaskResult } from '../tag/worker.js';
import { workerLocation } from '../worker-location.js';

export interface TagCommandFlags extends ClassifyFlags {
  out?: string;
  format?: 'csv' | 'json';
  jobs?: number;
  sidecar?: boolean;
  timeline?: boolean;
  journal?: string;
  restart?: boolean;
  quiet?: boolean;
}

/** Summary of a `tag` run. */
export interface TagSummary {
  total: number;
  skipped: number;
  tagged: number;
  failed: number;
  out: string;
}

/**
 * `instr tag <dir>`: classifies every audio file under `dir` on a pool of worker threads, journaling each
 * finished file so an interrupted run resumes where it stopped, and writes a CSV or JSON of all results.
 */
export async function tagCommand(dir: string, flags: TagCommandFlags, io: CliIO): Promise<number> {
  const root = resolve(io.cwd, dir);
  const st = await stat(root).catch((cause) => {
    throw new IOError(`Cannot read ${dir}: no such folder.`, { cause, details: { file: dir } });
  });
  if (!st.isDirectory())
    throw new UsageError(`instr tag expects a folder; ${dir} is a file (use instr classify).`);
  const out = resolve(io.cwd, flags.out ?? 'instr-tags.csv');
  const format = flags.format ?? (extname(out).toLowerCase() === '.json' ? 'json' : 'csv');
  const journalPath = resolve(io.cwd, flags.journal ?? `${out}.journal.ndjson`);
  const modelPath = flags.model ? resolve(io.cwd, flags.model) : defaultModelPath();
  const modelBytes = await readFile(modelPath).catch((cause) => {
    if (!flags.model)
      throw new ModelError(`No default model found at ${modelPath}; pass --model <file.onnx>.`, { cause });
    throw new IOError(`Cannot read model file ${modelPath}: ${(cause as Error).message}`, {
      cause,
      details: { file: modelPath },
    });
  });
  const options = classifyOptionsOf(flags);
  const header = {
    type: 'header' as const,
    version: 1 as const,
    model: createHash('sha256').update(modelBytes).digest('hex'),
    options: { ...options, timeline: Boolean(flags.timeline) },
  };
  const journal = Journal.open(journalPath, header, flags.restart);
  const files = await collectAudioFiles([root]);
  const todo: { file: string; name: string; size: number; mtimeMs: number }[] = [];
  let skipped = 0;
  for (const file of files) {
    const s = await stat(file);
    const name = relative(root, file);
    if (journal.finished(name, s.size, s.mtimeMs)) skipped++;
    else todo.push({ file, name, size: s.size, mtimeMs: s.mtimeMs });
  }
  if (!flags.quiet && skipped > 0) {
    io.stderr.write(
      `instr tag: resuming from ${relative(io.cwd, journalPath) || journalPath}: ${skipped} of ${files.length} files already tagged.\n`,
    );
  }
  const jobs = Math.max(1, Math.min(flags.jobs ?? availableParallelism(), Math.max(1, todo.length)));
  const { filename, execArgv } = workerLocation(import.meta.url, '../tag/worker.ts', 'tag-worker.js');
  const pool = new Piscina<TagTask, TagTaskResult>({
    filename,
    execArgv,
    minThreads: jobs,
    maxThreads: jobs,
  });
  const progress = createProgress(io, files.length, Boolean(flags.quiet), skipped);
  let failed = 0;
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  try {
    let next = 0;
    const runOne = async (): Promise<void> => {
      while (next < todo.length && !interrupted) {
        const item = todo[next++]!;
        const r = await pool.run({
          file: item.file,
          name: item.name,
          model: modelPath,
          options,
          sidecar: Boolean(flags.sidecar),
          timeline: Boolean(flags.timeline),
        });
        if (r.ok)
          journal.append({
            type: 'done',
            file: item.name,
            size: item.size,
            mtimeMs: item.mtimeMs,
            result: r.result,
          });
        else {
          failed++;
          journal.append({
            type: 'failed',
            file: item.name,
            size: item.size,
            mtimeMs: item.mtimeMs,
            error: r.error,
          });
          if (!flags.quiet) io.stderr.write(`\ninstr tag: ${item.name}: ${r.error.message}\n`);
        }
        progress.tick(item.name);
      }
    };
    // Keep each worker busy with one task and one queued: enough to hide dispatch latency, bounded memory.
    await Promise.all(Array.from({ length: jobs * 2 }, runOne));
  } finally {
    process.removeListener('SIGINT', onSigint);
    progress.stop();
    journal.close();
    await pool.destroy();
  }
  if (interrupted) {
    io.stderr.write('instr tag: interrupted; run the same command again to resume.\n');
    return 130;
  }
  const outcomes: FileOutcome[] = [];
  const names = new Set(files.map((f) => relative(root, f)));
  for (const [name, e] of journal.entries) {
    if (!names.has(name)) continue;
    outcomes.push(e.type === 'done' ? { file: name, result: e.result } : { file: name, error: e.error });
  }
  outcomes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const codes = readModelMetadata(new Uint8Array(modelBytes)).instruments.map((i) => i.code);
  await writeFileAtomic(
    out,
    format === 'json' ? resultsToJson(outcomes, flags.timeline) : resultsToCsv(outcomes, codes),
  );
  const summary: TagSummary = { total: files.length, skipped, tagged: todo.length - failed, failed, out };
  if (!flags.quiet) {
    io.stderr.write(
      `instr tag: ${summary.tagged} tagged, ${summary.skipped} already done, ${summary.failed} failed; wrote ${relative(io.cwd, out) || out}\n`,
    );
  }
  return failed > 0 ? EXIT.failure : EXIT.ok;
}
