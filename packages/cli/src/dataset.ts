import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { DatasetError, IOError } from '@instr/core';
import { parse } from 'csv-parse/sync';
import { isAudioPath } from './files.js';

/**
 * One labelled file of an evaluation set.
 * @example
 * ```ts
 * const item: LabelledFile = { file: '/data/a.flac', labels: ['pia', 'voi'] };
 * ```
 */
export interface LabelledFile {
  /** Absolute path. */
  file: string;
  /** Instrument codes present. */
  labels: string[];
}

/**
 * Loads an evaluation set: a CSV manifest with `file` and `labels` columns (labels `;`- or space-separated,
 * paths relative to the manifest's folder, as `shared/data/dev/manifest.csv`), or an IRMAS test-layout
 * folder (each audio file beside a `.txt` of the same name listing one code per line).
 * Small and replaceable: `@instr/train`'s dataset loaders cover more layouts.
 * @throws {@link DatasetError} naming the file and row when the dataset is malformed.
 * @example
 * ```ts
 * const items = await loadEvalDataset('shared/data/dev/manifest.csv');
 * ```
 */
export async function loadEvalDataset(path: string): Promise<LabelledFile[]> {
  const st = await stat(path).catch((cause) => {
    throw new IOError(`Cannot read dataset ${path}: no such file or folder.`, {
      cause,
      details: { file: path },
    });
  });
  return st.isDirectory() ? loadIrmasFolder(path) : loadManifest(path);
}

async function loadManifest(path: string): Promise<LabelledFile[]> {
  const text = await readFile(path, 'utf8');
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (cause) {
    throw new DatasetError(`${path} is not a valid CSV: ${(cause as Error).message}`, {
      cause,
      details: { file: path },
    });
  }
  if (rows.length === 0) throw new DatasetError(`${path} has no rows.`, { details: { file: path } });
  for (const key of ['file', 'labels']) {
    if (!(key in rows[0]!)) {
      throw new DatasetError(`${path} needs a "${key}" column; it has ${Object.keys(rows[0]!).join(', ')}.`, {
        details: { file: path, key },
      });
    }
  }
  const base = dirname(resolve(path));
  return rows.map((row) => ({
    file: resolve(base, row.file!),
    labels: row.labels!.split(/[;\s]+/).filter(Boolean),
  }));
}

async function loadIrmasFolder(dir: string): Promise<LabelledFile[]> {
  const out: LabelledFile[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) await walk(p);
      else if (isAudioPath(p)) {
        const txt = join(dirname(p), `${basename(p, extname(p))}.txt`);
        const labels = await readFile(txt, 'utf8').catch((cause) => {
          throw new DatasetError(`${p} has no label file ${basename(txt)} (IRMAS test layout).`, {
            cause,
            details: { file: p },
          });
        });
        out.push({ file: resolve(p), labels: labels.split(/\s+/).filter(Boolean) });
      }
    }
  };
  await walk(dir);
  if (out.length === 0)
    throw new DatasetError(`${dir} holds no audio files with .txt labels.`, { details: { file: dir } });
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
}
