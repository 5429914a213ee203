/** Helpers for tests that treat a package README as code: its ```ts blocks and its tables. */

/** One ```ts block of a README: its position, its marker (`<!-- readme-test: <mode> -->` above it) and code. */
export interface ReadmeBlock {
  index: number;
  /** 1-based line of the block's first code line. */
  line: number;
  /** The marker's mode, or `'run'` for an unmarked block. */
  mode: string;
  code: string;
}

/** The ```ts blocks of a README, in order. */
export function readmeBlocks(text: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const re = /(?:<!--\s*readme-test:\s*(\w+)\s*-->\s*\n)?```ts\n([\s\S]*?)```/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const line = text.slice(0, m.index + m[0].indexOf('```ts')).split('\n').length + 1;
    blocks.push({ index: blocks.length, line, mode: m[1] ?? 'run', code: m[2]! });
  }
  return blocks;
}

/** Cells of the rows of the first table after the line `heading`, header and rule excluded. */
export function tableRows(text: string, heading: string): string[][] {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}" section.`);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (let i = first + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    // Cells split at unescaped pipes; `\|` inside a cell is a literal pipe.
    const cells = lines[i]!.split(/(?<!\\)\|/).slice(1, -1);
    rows.push(cells.map((c) => c.replace(/\\\|/g, '|').trim()));
  }
  return rows;
}

/** The `code` spans of a table cell or a line. */
export const codeNames = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
