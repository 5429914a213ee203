/**
 * README.md is code that runs. Every ```ts block is written to a module under `.cache/readme-test/`
 * (gitignored, removed afterwards) and
 * - typechecked with tsc against the package sources: the Node entry, or the browser entry for blocks marked
 *   `<!-- readme-test: browser -->`; a block marked `<!-- readme-test: types -->` must declare exactly the
 *   shapes of the package's exported interfaces of the same names;
 * - executed (the unmarked blocks) in a folder where the names they use are links to real files: `song.flac`
 *   (a stereo 16 kHz dev recording), `concert.flac` (26 s), `my-model.onnx` (the shipped model). That part
 *   needs ../shared and is skipped, saying so, without it.
 * The tables are checked against the source too (option names, metadata fields, error classes and codes),
 * and so are the claims the examples illustrate (streaming equals offline, long files, the browser entry).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import * as core from '@instr/core';
import { readAudioFile, readAudioFileInfo, streamAudioFile } from '@instr/dsp/node';
import * as infer from '@instr/infer';
import { defaultModelPath, loadClassifier, StreamingClassifier } from '@instr/infer';
import { repoRoot, sharedDir } from '@instr/test-utils';
import { codeNames, type ReadmeBlock as Block, readmeBlocks, tableRows } from '@instr/test-utils/readme';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as web from '../src/browser.js';

const loadWebClassifier = web.loadClassifier;

const pkgDir = resolve(__dirname, '..');
const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
const work = join(pkgDir, '.cache', 'readme-test');
const files = join(work, 'files');
const DEV_CLIPS = {
  'song.flac': 'andabi__dataset__mir-1k__Wavfile__bobon_1_02.flac',
  'concert.flac': 'seth814__wavfiles__Acoustic_guitar__8da75280.flac',
};

const blocks = readmeBlocks(readme);
const fileOf = (b: Block) => join(work, `block-${b.index}.ts`);
const header = (b: Block) => `// README.md, the \`\`\`ts block at line ${b.line}\n`;

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(files, { recursive: true });
  for (const b of blocks) {
    let code = header(b) + b.code;
    if (b.mode === 'types') {
      const names = [...b.code.matchAll(/^interface (\w+)/gm)].map((m) => m[1]!);
      code += `\nimport type * as real from '@instr/infer';\n`;
      for (const n of names) {
        code += `const same${n}: [${n}] extends [real.${n}] ? ([real.${n}] extends [${n}] ? true : false) : false = true;\n`;
      }
      code += 'export {};\n';
    }
    writeFileSync(fileOf(b), code);
  }
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  // .cache/ itself too, unless something else keeps files there.
  if (readdirSync(join(pkgDir, '.cache')).length === 0) rmSync(join(pkgDir, '.cache'), { recursive: true });
});

describe('README.md examples', () => {
  it('has Node, browser and type blocks', () => {
    expect(blocks.filter((b) => b.mode === 'run').length).toBeGreaterThanOrEqual(8);
    expect(blocks.filter((b) => b.mode === 'browser').length).toBeGreaterThanOrEqual(2);
    expect(blocks.filter((b) => b.mode === 'types').length).toBe(1);
  });

  it('typecheck against the sources (Node and browser entries), tables included', () => {
    const options = tableRows(readme, '## Options').map((r) => codeNames(r[0]!)[0]!);
    const fields = tableRows(readme, '## The model file').map((r) => codeNames(r[0]!)[0]!);
    const union = (names: string[]) => names.map((n) => `'${n}'`).join(' | ');
    // Both directions: a table that misses a key or names one that does not exist fails.
    writeFileSync(
      join(work, 'tables.ts'),
      [
        "import type { ClassifyOptions } from '@instr/infer';",
        "import type { ModelMetadata } from '@instr/core';",
        `type Options = ${union(options)};`,
        `type Fields = ${union(fields)};`,
        'const optionsDocumented: [Exclude<keyof ClassifyOptions, Options>] extends [never] ? true : false = true;',
        'const optionsExist: [Exclude<Options, keyof ClassifyOptions>] extends [never] ? true : false = true;',
        'const fieldsDocumented: [Exclude<keyof ModelMetadata, Fields>] extends [never] ? true : false = true;',
        'const fieldsExist: [Exclude<Fields, keyof ModelMetadata>] extends [never] ? true : false = true;',
        'export {};',
        '',
      ].join('\n'),
    );
    const base = join(repoRoot, 'tsconfig.base.json');
    const config = (name: string, list: string[], customConditions: string[]) =>
      writeFileSync(
        join(work, name),
        JSON.stringify({ extends: base, compilerOptions: { noEmit: true, customConditions }, files: list }),
      );
    const name = (b: Block) => `block-${b.index}.ts`;
    config(
      'tsconfig.node.json',
      [...blocks.filter((b) => b.mode !== 'browser').map(name), 'tables.ts'],
      ['instr-source', 'node'],
    );
    config('tsconfig.browser.json', blocks.filter((b) => b.mode === 'browser').map(name), ['instr-source']);
    const tsc = createRequire(join(repoRoot, 'package.json')).resolve('typescript/bin/tsc');
    for (const project of ['tsconfig.node.json', 'tsconfig.browser.json']) {
      try {
        execFileSync(process.execPath, [tsc, '-p', join(work, project)], { encoding: 'utf8' });
      } catch (error) {
        const out = String((error as { stdout?: string }).stdout ?? error);
        // Point at README lines: block-N.ts(L,C) → README line of block N + L − 2.
        const located = out.replace(/block-(\d+)\.ts\((\d+),(\d+)\)/g, (_, i, l) => {
          const b = blocks[Number(i)]!;
          return `README.md:${b.line + Number(l) - 2}`;
        });
        throw new Error(`README examples do not typecheck (${project}):\n${located}`);
      }
    }
  }, 300_000);

  describe.skipIf(!sharedDir)('run on real files (needs ../shared/data/dev)', () => {
    beforeAll(() => {
      for (const [link, clip] of Object.entries(DEV_CLIPS)) {
        symlinkSync(join(sharedDir!, 'data', 'dev', 'clips', clip), join(files, link));
      }
      symlinkSync(defaultModelPath(), join(files, 'my-model.onnx'));
    });

    for (const b of blocks.filter((x) => x.mode === 'run')) {
      it(`block at README.md line ${b.line} runs`, async () => {
        const cwd = process.cwd();
        const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
        const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
        try {
          process.chdir(files);
          await import(fileOf(b));
          // Every example ends by printing what it shows: it ran to the end.
          expect(log.mock.calls.length + error.mock.calls.length).toBeGreaterThan(0);
          if (b.code.includes('banjo: 0.5')) expect(error.mock.calls[0]![0]).toBe('UNKNOWN_INSTRUMENT');
        } finally {
          process.chdir(cwd);
          log.mockRestore();
          error.mockRestore();
        }
      });
    }
  });
  if (!sharedDir)
    console.warn('readme.test: ../shared is absent; the README examples are typechecked, not run.');
});

describe('README.md tables and claims', () => {
  it('names every error class with its real code, each re-exported by both entries', () => {
    const rows = tableRows(readme, '## Errors');
    expect(rows.length).toBeGreaterThanOrEqual(8);
    const documented = new Set<string>();
    const classOf = (m: object, name: string) =>
      (m as Record<string, new (msg: string) => core.InstrError>)[name];
    for (const [cell] of rows) {
      const names = codeNames(cell!);
      expect(names.length % 2, cell).toBe(0); // `Class` (`CODE`) pairs
      for (let i = 0; i < names.length; i += 2) {
        const Class = classOf(core, names[i]!);
        expect(Class, names[i]).toBeTypeOf('function');
        expect(new Class!('x').code, names[i]).toBe(names[i + 1]);
        expect(classOf(infer, names[i]!), `@instr/infer (Node) exports ${names[i]}`).toBe(Class);
        expect(classOf(web, names[i]!), `@instr/infer (browser) exports ${names[i]}`).toBe(Class);
        documented.add(names[i]!);
      }
    }
    // …and every error class the entries re-export is in the table (the base class aside).
    const exported = Object.keys(infer).filter((k) => k.endsWith('Error') && k !== 'InstrError');
    expect(exported.sort()).toEqual([...documented].sort());
    expect(
      Object.keys(web)
        .filter((k) => k.endsWith('Error') && k !== 'InstrError')
        .sort(),
    ).toEqual(exported.sort());
    expect(infer.InstrError).toBe(core.InstrError);
    expect(infer.createAudio).toBe(core.createAudio);
  });

  it('quotes the numbers of the model card and the cli README', () => {
    const card = readFileSync(join(repoRoot, 'docs', 'model-card.md'), 'utf8');
    const cli = readFileSync(join(repoRoot, 'packages', 'cli', 'README.md'), 'utf8');
    // The card is regenerated with every model: take its numbers from it rather than pinning them here.
    const one = (re: RegExp) => {
      const m = card.match(re);
      expect(m, String(re)).not.toBeNull();
      return m!.slice(1);
    };
    const [size] = one(/default\.onnx` \((\d+\.\d+ MB)\)/);
    const [f1, map] = one(/macro F1 at the tuned thresholds\s+\*\*(0\.\d+)\*\*, mAP \*\*(0\.\d+)\*\*/);
    const [baseF1, baseMap] = one(/the classical baseline: macro F1 (0\.\d+), mAP\s+(0\.\d+)/);
    const [ms] = one(/median (\d+\.\d ms)/);
    expect(card).toContain('205 real recordings');
    for (const n of [size!, `**${f1}**`, `**${map}**`, `${baseF1} / ${baseMap}`, `median ${ms}`])
      expect(readme, n).toContain(n);
    for (const n of ['204×', '307×', '67×', '72.6 files/s', '110.9', '2.4e-7']) expect(cli, n).toContain(n);
    for (const n of ['204×', '307×', '67×', '72.6', '110.9', '2.4e-7']) expect(readme, n).toContain(n);
  });

  describe.skipIf(!sharedDir)('on real recordings (needs ../shared/data/dev)', () => {
    const clip = (name: keyof typeof DEV_CLIPS) => join(sharedDir!, 'data', 'dev', 'clips', DEV_CLIPS[name]);

    it('streaming chunks ends with the offline result', async () => {
      const classifier = await loadClassifier();
      const audio = await readAudioFile(clip('song.flac'), { mono: true });
      const stream = new StreamingClassifier(classifier, { sampleRate: audio.sampleRate });
      const pcm = audio.channels[0]!;
      let windows = 0;
      for (let i = 0; i < pcm.length; i += 1600)
        windows += (await stream.push(pcm.subarray(i, i + 1600))).length;
      const streamed = await stream.finish();
      const offline = await classifier.classify(audio);
      expect(streamed).toEqual(offline);
      expect(windows).toBeGreaterThan(0);
      expect(windows).toBeLessThanOrEqual(offline.timeline.length);
    });

    it('a long file streamed piece by piece gives what classifyFile gives', async () => {
      const classifier = await loadClassifier();
      const path = clip('concert.flac');
      const { sampleRate } = await readAudioFileInfo(path);
      const stream = new StreamingClassifier(classifier, { sampleRate });
      for await (const piece of streamAudioFile(path, { mono: true, chunkSeconds: 5 })) {
        await stream.push(piece.channels[0]!);
      }
      const streamed = await stream.finish();
      const whole = await classifier.classifyFile(path);
      expect({ ...streamed, source: path }).toEqual(whole);
      expect(streamed.timeline.length).toBeGreaterThan(10);
    });

    it('the browser entry loads a Blob and names classifyBlob results after the file', async () => {
      const model = new Blob([readFileSync(defaultModelPath())]);
      const web = await loadWebClassifier(model, { sessionOptions: { executionProviders: ['wasm'] } });
      const file = new File([readFileSync(clip('song.flac'))], 'song.flac');
      const result = await web.classifyBlob(file);
      const node = await (await loadClassifier()).classifyFile(clip('song.flac'));
      expect(result.source).toBe('song.flac');
      expect(result.labels).toEqual(node.labels);
      result.instruments.forEach((s) => {
        const n = node.instruments.find((x) => x.code === s.code)!;
        expect(Math.abs(s.probability - n.probability)).toBeLessThan(1e-5);
      });
    });

    it('an unknown code in thresholds is an UnknownInstrumentError', async () => {
      const classifier = await loadClassifier();
      await expect(
        classifier.classifyFile(clip('song.flac'), { thresholds: { banjo: 0.5 } }),
      ).rejects.toSatisfy((e) => core.UnknownInstrumentError.isInstance(e));
    });
  });
});
