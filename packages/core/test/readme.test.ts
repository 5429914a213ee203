/**
 * README.md is code that runs. Every ```ts block is written to a module under `.cache/readme-test/`
 * (gitignored, removed afterwards), typechecked with tsc against the package sources and executed; the tables
 * are checked against the source (error classes and codes, `ModelMetadata` fields).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import * as core from '@instr/core';
// Relative import: @instr/test-utils depends on @instr/core, so core cannot list it as a dependency.
import {
  codeNames,
  type ReadmeBlock as Block,
  readmeBlocks,
  tableRows,
} from '../../../tools/test-utils/readme.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const pkgDir = resolve(__dirname, '..');
const repoRoot = resolve(pkgDir, '..', '..');
const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
const work = join(pkgDir, '.cache', 'readme-test');

const blocks = readmeBlocks(readme);
const fileOf = (b: Block) => join(work, `block-${b.index}.ts`);

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const b of blocks)
    writeFileSync(fileOf(b), `// README.md, the \`\`\`ts block at line ${b.line}\n${b.code}`);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  // .cache/ itself too, unless something else keeps files there.
  if (readdirSync(join(pkgDir, '.cache')).length === 0) rmSync(join(pkgDir, '.cache'), { recursive: true });
});

describe('README.md examples', () => {
  it('has one for each section', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });

  it('typecheck against the sources, the ModelMetadata table included', () => {
    const fields = tableRows(readme, '## Model metadata').map((r) => codeNames(r[0]!)[0]!);
    const union = fields.map((n) => `'${n}'`).join(' | ');
    writeFileSync(
      join(work, 'tables.ts'),
      [
        "import type { ModelMetadata } from '@instr/core';",
        `type Fields = ${union};`,
        'const fieldsDocumented: [Exclude<keyof ModelMetadata, Fields>] extends [never] ? true : false = true;',
        'const fieldsExist: [Exclude<Fields, keyof ModelMetadata>] extends [never] ? true : false = true;',
        'export {};',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        extends: join(repoRoot, 'tsconfig.base.json'),
        compilerOptions: { noEmit: true },
        files: [...blocks.map((b) => `block-${b.index}.ts`), 'tables.ts'],
      }),
    );
    const tsc = createRequire(join(repoRoot, 'package.json')).resolve('typescript/bin/tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', join(work, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (error) {
      const out = String((error as { stdout?: string }).stdout ?? error);
      const located = out.replace(/block-(\d+)\.ts\((\d+),(\d+)\)/g, (_, i, l) => {
        return `README.md:${blocks[Number(i)]!.line + Number(l) - 2}`;
      });
      throw new Error(`README examples do not typecheck:\n${located}`);
    }
  }, 300_000);

  for (const b of blocks) {
    it(`block at README.md line ${b.line} runs`, async () => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        await import(fileOf(b));
        // Every example ends by printing what it shows: it ran to the end.
        expect(log).toHaveBeenCalled();
        // Where a comment gives the printed values, they are what the code prints.
        const printed = log.mock.calls.at(-1)!.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
        const lastLog = b.code
          .split('\n')
          .filter((l) => l.startsWith('console.log(') || l.includes(' console.log('))
          .at(-1);
        const expected = EXPECTED_OUTPUT[lastLog?.trim() ?? ''];
        if (expected) expect(printed).toEqual(expected);
      } finally {
        log.mockRestore();
      }
    });
  }
});

/** What the last `console.log` of some blocks prints, as their comments say. */
const EXPECTED_OUTPUT: Record<string, string[]> = {
  "console.log(back.data === t.data, nd.get(2, 1), t.astype('int32').dtype); // true 7 'int32'": [
    'true',
    '7',
    'int32',
  ],
  'console.log(audioDuration(stereo), mono[0]); // 1 0.125': ['1', '0.125'],
  "console.log(copy.equals(drums), drums.codes, drums.familyMembers().get('drums')); // true ['kick', 'snare'] [0, 1]":
    ['true', '["kick","snare"]', '[0,1]'],
  'console.log(a === b, resumed.uniform() === rng.uniform(), worker.uniform() !== rng.uniform()); // true true true':
    ['true', 'true', 'true'],
  'console.log(t.dtype, t.dims, t.get(1, 0)); // float64 [2, 2] 3': ['float64', '[2,2]', '3'],
  "if (ConfigError.isInstance(e)) console.log(e.details.key); // 'window.padding'": ['window.padding'],
  'console.log(Array.from(out)); // [0.3, 0.3, 0.6727…, 0.8810…] (max would give 0.7, 0.9; mean 0.4, 0.55)': [
    '[0.3,0.3,0.6727272727272726,0.8810810810810812]',
  ],
};

it('README.md still has the lines whose output is checked', () => {
  const lines = new Set(readme.split('\n').map((l) => l.trim()));
  for (const line of Object.keys(EXPECTED_OUTPUT)) expect(lines.has(line), line).toBe(true);
});

describe('README.md tables', () => {
  const rows = tableRows(readme, '## Errors');

  it('give every error class its real code', () => {
    for (const [cell, codeCell] of rows.slice(1)) {
      const [name] = codeNames(cell!);
      const Class = (core as unknown as Record<string, new (m: string) => core.InstrError>)[name!];
      expect(Class, name).toBeTypeOf('function');
      const error = new Class!('x');
      expect(error.code, name).toBe(codeNames(codeCell!)[0]);
      expect((Class as unknown as typeof core.InstrError).isInstance(error)).toBe(true);
    }
  });

  it('list every exported error class', () => {
    const documented = rows.map((r) => codeNames(r[0]!)[0]);
    const exported = Object.entries(core)
      .filter(
        ([, v]) =>
          v === core.InstrError || (typeof v === 'function' && v.prototype instanceof core.InstrError),
      )
      .map(([k]) => k);
    expect(documented.sort()).toEqual(exported.sort());
  });
});
