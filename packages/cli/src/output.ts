import type { ClassificationResult } from '@instr/infer';
import Table from 'cli-table3';

/** Output formats of `instr classify` and `instr tag`. */
export type OutputFormat = 'table' | 'json' | 'csv';

/** One classified file, or the error that stopped it. */
export type FileOutcome = { file: string; result: ClassificationResult } | { file: string; error: ErrorInfo };

/** The JSON form of an error in results and HTTP responses. */
export interface ErrorInfo {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Quotes a CSV field when it needs it (RFC 4180). */
export function csvField(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV line from fields. */
export function csvLine(fields: readonly unknown[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

/** Instrument codes in model order, taken from the first successful result. */
export function codesOf(outcomes: readonly FileOutcome[], fallback: readonly string[] = []): string[] {
  for (const o of outcomes) {
    if ('result' in o) {
      const t = o.result.timeline[0];
      if (t) return Object.keys(t.probabilities);
      return o.result.instruments.map((s) => s.code);
    }
  }
  return [...fallback];
}

/**
 * CSV of results: `file,labels,duration,<code>…,error`; labels are `;`-separated; probabilities have 6 decimals.
 * With `timeline`, one row per window instead: `file,start,end,<code>…`.
 */
export function resultsToCsv(
  outcomes: readonly FileOutcome[],
  codes: readonly string[],
  timeline = false,
): string {
  if (timeline) {
    let out = csvLine(['file', 'start', 'end', ...codes]);
    for (const o of outcomes) {
      if (!('result' in o)) continue;
      for (const w of o.result.timeline) {
        out += csvLine([
          o.file,
          w.start.toFixed(3),
          w.end.toFixed(3),
          ...codes.map((c) => fmt(w.probabilities[c])),
        ]);
      }
    }
    return out;
  }
  let out = csvLine(['file', 'labels', 'duration', ...codes, 'error']);
  for (const o of outcomes) {
    if ('result' in o) {
      const p = new Map(o.result.instruments.map((s) => [s.code, s.probability]));
      out += csvLine([
        o.file,
        o.result.labels.join(';'),
        o.result.duration.toFixed(3),
        ...codes.map((c) => fmt(p.get(c))),
        '',
      ]);
    } else {
      out += csvLine([o.file, '', '', ...codes.map(() => ''), `${o.error.code}: ${o.error.message}`]);
    }
  }
  return out;
}

/** JSON of results (timelines dropped unless asked for). */
export function resultsToJson(outcomes: readonly FileOutcome[], timeline = false): string {
  const rows = outcomes.map((o) => {
    if (!('result' in o)) return o;
    const { timeline: t, source: _source, ...rest } = o.result;
    return { file: o.file, ...rest, ...(timeline ? { timeline: t } : {}) };
  });
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** An aligned text table of results for terminals. */
export function resultsToTable(
  outcomes: readonly FileOutcome[],
  codes: readonly string[],
  options: { timeline?: boolean; color?: boolean } = {},
): string {
  const style = options.color ? {} : { head: [], border: [] };
  const chars = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
  if (options.timeline) {
    const parts: string[] = [];
    for (const o of outcomes) {
      if (!('result' in o)) {
        parts.push(`${o.file}: error ${o.error.code}: ${o.error.message}`);
        continue;
      }
      const table = new Table({ head: ['start', 'end', ...codes], style, chars });
      for (const w of o.result.timeline) {
        table.push([
          w.start.toFixed(2),
          w.end.toFixed(2),
          ...codes.map((c) => (w.probabilities[c] ?? 0).toFixed(3)),
        ]);
      }
      parts.push(`${o.file}  [${o.result.labels.join(', ')}]\n${table.toString()}`);
    }
    return `${parts.join('\n\n')}\n`;
  }
  const table = new Table({ head: ['file', 'labels', 'duration', ...codes], style, chars });
  for (const o of outcomes) {
    if ('result' in o) {
      const p = new Map(o.result.instruments.map((s) => [s.code, s.probability]));
      table.push([
        o.file,
        o.result.labels.join(', ') || '—',
        `${o.result.duration.toFixed(1)}s`,
        ...codes.map((c) => (p.has(c) ? p.get(c)!.toFixed(3) : '')),
      ]);
    } else {
      table.push([o.file, `error ${o.error.code}`, { colSpan: codes.length + 1, content: o.error.message }]);
    }
  }
  return `${table.toString()}\n`;
}

function fmt(v: number | undefined): string {
  return v === undefined ? '' : v.toFixed(6);
}

/** A plain-object error for results and responses. */
export function errorInfo(error: unknown): ErrorInfo {
  const e = error as { code?: unknown; message?: unknown; details?: unknown };
  const code = typeof e?.code === 'string' && /^[A-Z_]+$/.test(e.code) ? e.code : 'INTERNAL';
  return {
    code,
    message: typeof e?.message === 'string' ? e.message : String(error),
    ...(e?.details && typeof e.details === 'object' && Object.keys(e.details).length
      ? { details: e.details as Record<string, unknown> }
      : {}),
  };
}
