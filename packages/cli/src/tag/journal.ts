import {
  closeSync,
  existsSync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { ConfigError, IOError } from '@instr/core';
import type { ClassificationResult } from '@instr/infer';
import type { ErrorInfo } from '../output.js';

/**
 * First line of a journal: what the run was started with. A rerun must match it to resume.
 * @example
 * ```ts
 * const header: JournalHeader = { type: 'header', version: 1, model: sha256Hex, options: { topK: 3 } };
 * ```
 */
export interface JournalHeader {
  type: 'header';
  version: 1;
  /** sha256 of the model bytes. */
  model: string;
  /** The classification options, as JSON. */
  options: unknown;
}

/**
 * One finished file. `size` and `mtimeMs` detect files changed since they were tagged.
 * @example
 * ```ts
 * const entry: JournalEntry = { type: 'failed', file: 'a.wav', size: 10, mtimeMs: 0, error: { code: 'AUDIO_DECODE', message: '…' } };
 * ```
 */
export type JournalEntry =
  | { type: 'done'; file: string; size: number; mtimeMs: number; result: ClassificationResult }
  | { type: 'failed'; file: string; size: number; mtimeMs: number; error: ErrorInfo };

/**
 * An append-only progress journal (NDJSON). Every entry is one `write()` of one complete line to a file
 * opened with `O_APPEND`, so an interrupted run leaves at most one torn last line, which {@link Journal.open}
 * drops (and cuts off) before appending again. A rerun skips the files whose `done` entry still matches.
 * @example
 * ```ts
 * const journal = Journal.open('tags.csv.journal.ndjson', { type: 'header', version: 1, model: sha, options: {} });
 * if (!journal.finished('a.wav', size, mtimeMs)) journal.append({ type: 'done', file: 'a.wav', size, mtimeMs, result });
 * journal.close();
 * ```
 */
export class Journal {
  private constructor(
    private fd: number,
    readonly path: string,
    readonly entries: Map<string, JournalEntry>,
  ) {}

  /**
   * Opens (or creates) a journal. An existing journal whose header differs from `header` is an error
   * unless `restart` is set, in which case it is emptied.
   * @throws {@link ConfigError} on a header mismatch; {@link IOError} when the file cannot be written.
   */
  static open(path: string, header: JournalHeader, restart = false): Journal {
    const entries = new Map<string, JournalEntry>();
    let keep = 0;
    let fresh = restart || !existsSync(path);
    if (!fresh) {
      const text = readFileSync(path, 'utf8');
      const end = text.lastIndexOf('\n') + 1; // bytes after the last newline are a torn write
      const lines = text.slice(0, end).split('\n').filter(Boolean);
      if (lines.length === 0) fresh = true;
      else {
        const first = safeParse(lines[0]!) as JournalHeader | undefined;
        if (first?.type !== 'header' || JSON.stringify(first) !== JSON.stringify(header)) {
          throw new ConfigError(
            `The journal ${path} was written by a run with another model or other options; pass --restart to start over, or use the same options to resume.`,
            { details: { file: path, expected: first, actual: header } },
          );
        }
        for (const line of lines.slice(1)) {
          const e = safeParse(line) as JournalEntry | undefined;
          if (e && (e.type === 'done' || e.type === 'failed')) entries.set(e.file, e);
        }
        keep = Buffer.byteLength(text.slice(0, end));
      }
    }
    let fd: number;
    try {
      fd = openSync(path, fresh ? 'w' : 'r+');
      if (!fresh) {
        ftruncateSync(fd, keep);
        closeSync(fd);
        fd = openSync(path, 'a');
      }
    } catch (cause) {
      throw new IOError(`Cannot write the journal ${path}: ${(cause as Error).message}`, {
        cause,
        details: { file: path },
      });
    }
    const journal = new Journal(fd, path, entries);
    if (fresh) journal.write(header);
    return journal;
  }

  private unsynced = 0;

  /** Appends an entry as one line; flushes to disk every 64 entries (and on close). */
  append(entry: JournalEntry): void {
    this.entries.set(entry.file, entry);
    this.write(entry);
    if (++this.unsynced >= 64) {
      fdatasyncSync(this.fd);
      this.unsynced = 0;
    }
  }

  /** The finished entry of `file` if it still matches the file's size and modification time. */
  finished(file: string, size: number, mtimeMs: number): JournalEntry | undefined {
    const e = this.entries.get(file);
    return e && e.type === 'done' && e.size === size && e.mtimeMs === mtimeMs ? e : undefined;
  }

  close(): void {
    fdatasyncSync(this.fd);
    closeSync(this.fd);
  }

  private write(value: unknown): void {
    const bytes = Buffer.from(`${JSON.stringify(value)}\n`);
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }
}

function safeParse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
