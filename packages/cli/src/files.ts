import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { IOError } from '@instr/core';

/**
 * File extensions `instr` treats as audio when walking folders (content is still sniffed when read).
 * @example
 * ```ts
 * AUDIO_EXTENSIONS.includes('.flac'); // true
 * ```
 */
export const AUDIO_EXTENSIONS: readonly string[] = [
  '.wav',
  '.wave',
  '.flac',
  '.mp3',
  '.ogg',
  '.oga',
  '.opus',
];

/**
 * True when `path` has one of {@link AUDIO_EXTENSIONS} (case-insensitive).
 * @example
 * ```ts
 * isAudioPath('take.WAV'); // true
 * ```
 */
export function isAudioPath(path: string): boolean {
  return AUDIO_EXTENSIONS.includes(extname(path).toLowerCase());
}

/**
 * Expands files and folders into a sorted list of audio files: folders are walked recursively
 * (hidden entries skipped), files given explicitly are kept whatever their extension.
 * @throws {@link IOError} naming the path when one does not exist.
 * @example
 * ```ts
 * const files = await collectAudioFiles(['library/', 'extra.wav']);
 * ```
 */
export async function collectAudioFiles(inputs: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const input of inputs) {
    const path = resolve(input);
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(path);
    } catch (cause) {
      throw new IOError(`Cannot read ${input}: no such file or directory.`, {
        cause,
        details: { file: input },
      });
    }
    if (st.isDirectory()) for (const f of await walk(path)) out.add(f);
    else out.add(path);
  }
  return [...out].sort();
}

async function walk(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    throw new IOError(`Cannot list folder ${dir}: ${(cause as Error).message}`, {
      cause,
      details: { file: dir },
    });
  }
  const files: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walk(p)));
    else if (e.isFile() && isAudioPath(p)) files.push(p);
  }
  return files;
}
