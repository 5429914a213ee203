/** Reading labelled manifests and turning audio into model windows, exactly as inference will. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatasetError, type InstrumentSet, type ModelMetadata, Tensor } from '@instr/core';
import { modelInputBatch, windowAudio } from '@instr/dsp';
import { readAudioFile } from '@instr/dsp/node';

/** One labelled file of a manifest (`file,labels,...` with `;`-separated codes, as shared/data uses). */
export interface LabelledFile {
  path: string;
  codes: string[];
  row: Record<string, string>;
}

/** Parses a manifest CSV (quoted fields allowed). Unknown codes throw, naming the file and line. */
export function readManifest(path: string, instruments: InstrumentSet): LabelledFile[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter(Boolean);
  const header = parseCsvLine(lines[0] ?? '');
  const fileCol = header.indexOf('file');
  const labelCol = header.indexOf('labels');
  if (fileCol < 0 || labelCol < 0) {
    throw new DatasetError(`${path} needs "file" and "labels" columns.`, { details: { file: path } });
  }
  return lines.slice(1).map((line, i) => {
    const cells = parseCsvLine(line);
    const codes = (cells[labelCol] ?? '').split(';').filter(Boolean);
    for (const c of codes) {
      if (!instruments.has(c)) {
        throw new DatasetError(`${path}:${i + 2}: unknown instrument code "${c}".`, {
          details: { file: path, key: c },
        });
      }
    }
    return {
      path: join(dirname(path), cells[fileCol]!),
      codes,
      row: Object.fromEntries(header.map((h, k) => [h, cells[k] ?? ''])),
    };
  });
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Model windows of a set of files: features [windows, 1, mels, frames], labels per window, file index. */
export interface WindowSet {
  x: Tensor<'float32'>;
  y: Float32Array;
  fileOfWindow: Int32Array;
  files: LabelledFile[];
  /** Label matrix per file [files, classes]. */
  fileLabels: Float32Array;
}

/** Decodes, resamples, windows and featurises every file (un-normalised: mean 0, std 1). */
export async function featurise(
  files: LabelledFile[],
  meta: ModelMetadata,
  instruments: InstrumentSet,
  onProgress?: (done: number, total: number) => void,
): Promise<WindowSet> {
  const raw = { ...meta, normalization: { mean: 0, std: 1 } };
  const sr = meta.sampleRate;
  const length = Math.round(meta.window.seconds * sr);
  const hop = Math.round(meta.window.hopSeconds * sr);
  const chunks: Tensor<'float32'>[] = [];
  const labels: number[] = [];
  const owners: number[] = [];
  const fileLabels = new Float32Array(files.length * instruments.size);
  for (let f = 0; f < files.length; f++) {
    const file = files[f]!;
    const audio = await readAudioFile(file.path, { mono: true, sampleRate: sr });
    const cut = windowAudio(audio.channels[0]!, { length, hop, padding: meta.window.padding });
    const x = modelInputBatch(cut.tensor, raw);
    chunks.push(x);
    const v = instruments.encode(file.codes);
    fileLabels.set(v, f * instruments.size);
    for (let w = 0; w < cut.spans.length; w++) {
      labels.push(...v);
      owners.push(f);
    }
    onProgress?.(f + 1, files.length);
  }
  const [, c, m, t] = chunks[0]!.dims as number[];
  const per = c! * m! * t!;
  const total = owners.length;
  const data = new Float32Array(total * per);
  let off = 0;
  for (const x of chunks) {
    data.set(x.data, off);
    off += x.size;
  }
  return {
    x: new Tensor('float32', data, [total, c!, m!, t!]),
    y: Float32Array.from(labels),
    fileOfWindow: Int32Array.from(owners),
    files,
    fileLabels,
  };
}

/** Max over each file's windows of per-window probabilities [windows, classes] → [files, classes]. */
export function maxPerFile(
  probs: Float32Array,
  fileOfWindow: Int32Array,
  files: number,
  classes: number,
): Float32Array {
  const out = new Float32Array(files * classes);
  for (let w = 0; w < fileOfWindow.length; w++) {
    const f = fileOfWindow[w]!;
    for (let c = 0; c < classes; c++)
      out[f * classes + c] = Math.max(out[f * classes + c]!, probs[w * classes + c]!);
  }
  return out;
}
