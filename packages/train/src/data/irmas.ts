import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { DatasetError, InstrumentSet } from '@instr/core';
import { Dataset, type DatasetItem, encodeCodes } from './dataset.js';
import { AUDIO_EXTENSIONS, listAudioFiles } from './files.js';

/**
 * IRMAS genre tags, as they appear in training filenames (the competition text writes them with hyphens).
 * @example
 * ```ts
 * IRMAS_GENRES.includes('pop_roc'); // true
 * ```
 */
export const IRMAS_GENRES: readonly string[] = ['cou_fol', 'cla', 'pop_roc', 'lat_sou', 'jaz_blu'];

/**
 * What an IRMAS training filename says.
 * @example
 * ```ts
 * const { instrument, drums, genre }: IrmasFilenameTags = parseIrmasFilename('[gel][dru][pop_roc]1034__3.wav');
 * ```
 */
export interface IrmasFilenameTags {
  /** The predominant-instrument tag (first bracket), if any. */
  instrument?: string;
  /** `[dru]` → true, `[nod]` → false, absent → undefined. */
  drums?: boolean;
  /** Genre tag (`cou_fol`, `cla`, `pop_roc`, `lat_sou`, `jaz_blu`), if any. */
  genre?: string;
  /** The file stem without its trailing `__K` part number: the pieces of one excerpt share it. */
  excerpt: string;
}

/**
 * Parses an IRMAS training filename, `[NNN__][<ins>][<dru|nod>]?[<genre>]NNNN__K.wav`, e.g.
 * `008__[cel][nod][cla]0058__1.wav` or `[gel][pop_roc]1034__3.wav`. The first tag is the instrument, a
 * `dru`/`nod` tag gives drums, and the last tag, when it is one of {@link IRMAS_GENRES} and not the first,
 * is the genre (so `[cla]` is clarinet in first position and classical after it).
 * @example
 * ```ts
 * parseIrmasFilename('008__[cel][nod][cla]0058__1.wav');
 * // { instrument: 'cel', drums: false, genre: 'cla', excerpt: '008__[cel][nod][cla]0058' }
 * ```
 */
export function parseIrmasFilename(filename: string): IrmasFilenameTags {
  const name = basename(filename);
  const stem = name.slice(0, name.length - extname(name).length);
  const tags = [...stem.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!.trim());
  const out: IrmasFilenameTags = { excerpt: stem.replace(/__\d+$/, '') };
  if (tags.length > 0) out.instrument = tags[0];
  for (let i = 1; i < tags.length; i++) {
    const t = tags[i]!;
    if (t === 'dru') out.drums = true;
    else if (t === 'nod') out.drums = false;
    else if (IRMAS_GENRES.includes(t)) out.genre = t;
  }
  return out;
}

/**
 * Options of the IRMAS loaders.
 * @example
 * ```ts
 * await loadIrmasTrain('/data/IRMAS-TrainingData', { requireAllClasses: true } satisfies IrmasOptions);
 * ```
 */
export interface IrmasOptions {
  /** Label vocabulary. Default `InstrumentSet.irmas()`. */
  instruments?: InstrumentSet;
  /** Audio extensions to pick up. Default {@link AUDIO_EXTENSIONS}. */
  extensions?: readonly string[];
  /** Throw when a class has no file (default false: see `dataset.emptyClasses`). */
  requireAllClasses?: boolean;
  /** Dataset name. Default `'irmas-train'` / `'irmas-test'`. */
  name?: string;
}

/**
 * Loads the IRMAS **training** layout: `<root>/<code>/…/<file>`, where the folder name directly under
 * `root` is the (single) label. Genre and drums come from the filename tags ({@link parseIrmasFilename});
 * the group is `<code>/<excerpt>`, so the `__1`, `__2`, … pieces of one excerpt stay in one split.
 * Works for any `InstrumentSet` and any folder-per-class collection (e.g. AudioSet scraped per class).
 *
 * @throws {@link UnknownInstrumentError} for a class folder that is not a code of the set (naming the file).
 * @throws {@link DatasetError} for a missing or empty root, or files directly under the root.
 * @example
 * ```ts
 * const train = await loadIrmasTrain('/data/IRMAS-TrainingData');
 * train.items[0]; // { id: 'cel/008__[cel][nod][cla]0058__1.wav', codes: ['cel'], genre: 'cla', drums: false, … }
 * ```
 */
export async function loadIrmasTrain(root: string, options: IrmasOptions = {}): Promise<Dataset> {
  const instruments = options.instruments ?? InstrumentSet.irmas();
  const files = await listAudioFiles(root, options.extensions ?? AUDIO_EXTENSIONS);
  if (files.length === 0) {
    throw new DatasetError(`No audio files under ${root}; expected <root>/<code>/<file>.wav.`, {
      details: { file: root },
    });
  }
  const items: DatasetItem[] = files.map(({ path, id }) => {
    const parts = id.split('/');
    if (parts.length < 2) {
      throw new DatasetError(
        `${path} sits directly in the dataset root; IRMAS training files go in a folder named by their instrument code.`,
        { details: { file: path } },
      );
    }
    const code = parts[0]!;
    const { labels, codes } = encodeCodes(instruments, [code], { file: path, column: 'folder' });
    const tags = parseIrmasFilename(path);
    return {
      id,
      path,
      labels,
      codes,
      group: `${code}/${tags.excerpt}`,
      ...(tags.genre !== undefined ? { genre: tags.genre } : {}),
      ...(tags.drums !== undefined ? { drums: tags.drums } : {}),
      meta: { filenameInstrument: tags.instrument },
    };
  });
  return new Dataset(instruments, items, {
    name: options.name ?? 'irmas-train',
    source: root,
    requireAllClasses: options.requireAllClasses,
  });
}

/**
 * Loads the IRMAS **testing** layout: every audio file has a `.txt` with the same stem beside it, holding
 * one instrument code per line (tabs and blank lines ignored, as in `cel\t`). The group is the song:
 * the stem without its trailing `-N` part number.
 *
 * @throws {@link DatasetError} naming every audio file without its `.txt`.
 * @throws {@link UnknownInstrumentError} naming the `.txt` file and line of an unknown code.
 * @example
 * ```ts
 * const test = await loadIrmasTest('/data/IRMAS-TestingData-Part1');
 * test.items[0].codes; // ['gel', 'voi']
 * ```
 */
export async function loadIrmasTest(root: string, options: IrmasOptions = {}): Promise<Dataset> {
  const instruments = options.instruments ?? InstrumentSet.irmas();
  const files = await listAudioFiles(root, options.extensions ?? AUDIO_EXTENSIONS);
  if (files.length === 0) {
    throw new DatasetError(
      `No audio files under ${root}; expected <song>-<part>.wav with a .txt beside each.`,
      {
        details: { file: root },
      },
    );
  }
  const missing: string[] = [];
  const texts = await Promise.all(
    files.map(async ({ path }) => {
      const txt = join(dirname(path), `${basename(path, extname(path))}.txt`);
      try {
        return { txt, text: await readFile(txt, 'utf8') };
      } catch {
        missing.push(txt);
        return { txt, text: '' };
      }
    }),
  );
  if (missing.length > 0) {
    missing.sort();
    throw new DatasetError(
      `${missing.length} label file(s) missing: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}. ` +
        'Each audio file of the IRMAS testing layout needs a .txt of codes with the same name.',
      { details: { file: missing[0], key: 'missing', actual: missing } },
    );
  }
  const items: DatasetItem[] = files.map(({ path, id }, i) => {
    const { txt, text } = texts[i]!;
    const found: string[] = [];
    text.split(/\r?\n/).forEach((raw, lineIndex) => {
      const code = raw.replace(/\t/g, '').trim();
      if (code === '') return;
      encodeCodes(instruments, [code], { file: txt, line: lineIndex + 1 });
      found.push(code);
    });
    const { labels, codes } = encodeCodes(instruments, found, { file: txt });
    const stem = basename(path, extname(path));
    const dir = id.includes('/') ? `${id.slice(0, id.lastIndexOf('/'))}/` : '';
    return { id, path, labels, codes, group: `${dir}${stem.replace(/-\d+$/, '')}`, meta: { labelFile: txt } };
  });
  return new Dataset(instruments, items, {
    name: options.name ?? 'irmas-test',
    source: root,
    requireAllClasses: options.requireAllClasses,
  });
}
