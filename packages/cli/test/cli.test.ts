import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '@instr/core';
import { encodeWav } from '@instr/dsp';
import { describe, expect, it } from 'vitest';
import { clipAudio, modelPath, runCli, spawnCli, tempDir, writeClips } from './helpers.js';

describe.each(['source', 'built'] as const)('instr command (%s)', (mode) => {
  const run = (args: string[], options: Parameters<typeof runCli>[1] = {}) =>
    runCli(args, { ...options, mode });

  it('prints help with examples and a version; usage errors exit 2', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['classify', 'tag', 'eval', 'features', 'serve']) expect(help.stdout).toContain(cmd);
    expect(help.stdout).toContain('Examples:');
    expect((await run(['tag', '--help'])).stdout).toContain('journal');
    expect((await run(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const none = await run([]);
    expect(none.code).toBe(2);
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
    const badThreshold = await run(['classify', 'x.wav', '--threshold', '7']);
    expect(badThreshold.code).toBe(2);
    expect(badThreshold.stderr).toContain('--threshold must be in [0, 1]');
    expect(badThreshold.stderr).not.toContain('\u001b[');
    const badFormat = await run(['classify', 'x.wav', '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    const missing = await run(['classify']);
    expect(missing.code).toBe(2);
  });

  it('classifies files and folders as a table, JSON and CSV; errors name the file and exit 1', async () => {
    const dir = tempDir();
    const clips = await writeClips(dir, 4, 1.5);
    const table = await run(['classify', dir, '--model', modelPath]);
    expect(table.code).toBe(0);
    for (const c of clips) expect(table.stdout).toContain(c.file.slice(dir.length + 1).replace(/^sub\//, ''));
    const json = await run([
      'classify',
      clips[0]!.file,
      clips[2]!.file,
      '-m',
      modelPath,
      '-f',
      'json',
      '--timeline',
    ]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.map((r: { labels: string[] }) => r.labels)).toEqual([['tone'], ['click']]);
    expect(parsed[0].timeline.length).toBeGreaterThan(1);
    const csv = await run([
      'classify',
      dir,
      '-m',
      modelPath,
      '-f',
      'csv',
      '--aggregation',
      'mean',
      '--hop',
      '1',
    ]);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('file,labels,duration,tone,noise,click,error');
    expect(lines).toHaveLength(5);
    const thresholds = await run([
      'classify',
      clips[0]!.file,
      '-m',
      modelPath,
      '-f',
      'json',
      '-t',
      'tone=1',
      '-k',
      '2',
    ]);
    const t = JSON.parse(thresholds.stdout)[0];
    expect(t.labels).toEqual([]);
    expect(t.instruments).toHaveLength(2);
    const junk = join(dir, 'junk.wav');
    writeFileSync(junk, 'definitely not audio');
    const bad = await run(['classify', junk, clips[0]!.file, '-m', modelPath, '-f', 'csv']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('junk.wav');
    expect(bad.stdout).toContain('UNSUPPORTED_FORMAT');
    const noFile = await run(['classify', join(dir, 'missing.wav'), '-m', modelPath]);
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toContain('missing.wav');
    const noModel = await run(['classify', clips[0]!.file, '-m', join(dir, 'nope.onnx')]);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toContain('nope.onnx');
  });

  it('evaluates a CSV manifest and an IRMAS-layout folder and writes an HTML report', async () => {
    const dir = tempDir();
    const clips = await writeClips(join(dir, 'audio'), 6, 1.5);
    writeFileSync(
      join(dir, 'manifest.csv'),
      `file,labels\n${clips.map((c) => `${c.file.slice(dir.length + 1)},${c.labels.join(';')}`).join('\n')}\n`,
    );
    const report = join(dir, 'report.html');
    const r = await run(
      ['eval', 'manifest.csv', '-m', modelPath, '--report', report, '--json', 'metrics.json'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/6 files .*F1 micro/s);
    expect(readFileSync(report, 'utf8')).toContain('<svg');
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.summary.f1.micro).toBeGreaterThan(0.8);
    for (const c of clips) writeFileSync(c.file.replace(/\.wav$/, '.txt'), `${c.labels.join('\n')}\n`);
    const irmas = await run(['eval', join(dir, 'audio'), '-m', modelPath]);
    expect(irmas.code).toBe(0);
    expect(irmas.stdout).toContain('6 files');
    writeFileSync(join(dir, 'irmas.csv'), `file,labels\n${clips[0]!.file},pia\n`);
    const unknown = await run(['eval', join(dir, 'irmas.csv'), '-m', modelPath]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('"pia"');
    const bad = await run(['eval', join(dir, 'nothing.csv'), '-m', modelPath]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('nothing.csv');
  });

  it('writes log-mel features as PNG, SVG, .npy and JSON', async () => {
    const dir = tempDir();
    const [clip] = await writeClips(dir, 1, 1);
    const r = await run([
      'features',
      clip!.file,
      '--format',
      'png,svg,npy,json',
      '--out',
      join(dir, 'out', 'x'),
      '--n-mels',
      '64',
    ]);
    expect(r.code).toBe(0);
    const npy = readNpy(new Uint8Array(readFileSync(join(dir, 'out', 'x.logmel.npy'))));
    expect(npy.dims[0]).toBe(64);
    const json = JSON.parse(readFileSync(join(dir, 'out', 'x.logmel.json'), 'utf8'));
    expect(json.dims).toEqual(npy.dims);
    expect(json.data[3][5]).toBeCloseTo(Number(npy.data[3 * npy.dims[1]! + 5]), 4);
    expect(
      readFileSync(join(dir, 'out', 'x.logmel.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(readFileSync(join(dir, 'out', 'x.logmel.svg'), 'utf8')).toContain('<svg');
    const model = await run(['features', clip!.file, '-m', modelPath, '-f', 'npy', '-o', join(dir, 'm')]);
    expect(model.code).toBe(0);
    expect(readNpy(new Uint8Array(readFileSync(join(dir, 'm.logmel.npy')))).dims[0]).toBe(32);
    expect((await run(['features', clip!.file, '-f', 'gif'])).code).toBe(2);
  });

  it('serves HTTP until SIGTERM', async () => {
    const child = spawnCli(['serve', '--model', modelPath, '--port', '0', '--quiet'], mode);
    let out = '';
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /"listening":"([^"]+)"/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('close', (code) => reject(new Error(`serve exited early with ${code}`)));
    });
    const health = await fetch(`${address}/health`);
    expect((await health.json()).status).toBe('ok');
    // Classification runs on the service's worker threads (src/server/worker.ts, or dist/server-worker.js).
    const upload = async (bytes: Uint8Array) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)]), 'a.wav');
      const r = await fetch(`${address}/classify`, { method: 'POST', body: form });
      return { status: r.status, body: await r.json() };
    };
    const bytes = encodeWav(clipAudio([false, false, true], 1, 77));
    const ok = await upload(bytes);
    expect([ok.status, ok.body.results[0].labels]).toEqual([200, ['click']]);
    const cut = await upload(bytes.subarray(0, 60));
    expect([cut.status, cut.body.error.code]).toEqual([422, 'AUDIO_DECODE']);
    const page = await fetch(`${address}/`);
    expect(page.status).toBe(200);
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
  });
});

describe('instr tag', () => {
  it('tags a library in parallel, writes sidecars, resumes after SIGKILL and skips finished files', async () => {
    const dir = tempDir();
    const lib = join(dir, 'lib');
    const clips = await writeClips(lib, 48, 1);
    const out = join(dir, 'tags.csv');
    // Kill the first run once a few files are journaled.
    const first = await runCli(['tag', lib, '-m', modelPath, '-o', out, '-j', '2', '--sidecar'], {
      mode: 'built',
      killAfter: () => {
        const journal = `${out}.journal.ndjson`;
        return existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 4;
      },
    });
    expect(first.signal).toBe('SIGKILL');
    const journal = readFileSync(`${out}.journal.ndjson`, 'utf8');
    const doneBefore = journal.split('\n').filter((l) => l.includes('"type":"done"')).length;
    // Simulate a torn last write as well.
    writeFileSync(`${out}.journal.ndjson`, `${journal}{"type":"done","file":"torn`);
    const second = await runCli(['tag', lib, '-m', modelPath, '-o', out, '-j', '2', '--sidecar']);
    expect(second.code).toBe(0);
    expect(doneBefore).toBeGreaterThan(0);
    expect(doneBefore).toBeLessThan(48);
    expect(second.stderr).toContain(`${doneBefore} of 48 files already tagged`);
    expect(second.stderr).toContain(`${48 - doneBefore} tagged`);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('file,labels,duration,tone,noise,click,error');
    expect(rows).toHaveLength(49);
    const byFile = new Map(rows.slice(1).map((r) => [r.split(',')[0], r.split(',')[1]]));
    let right = 0;
    for (const c of clips) if (byFile.get(c.file.slice(lib.length + 1)) === c.labels.join(';')) right++;
    expect(right / clips.length).toBeGreaterThan(0.8);
    for (const c of clips) expect(existsSync(`${c.file}.instr.json`)).toBe(true);
    const sidecar = JSON.parse(readFileSync(`${clips[0]!.file}.instr.json`, 'utf8'));
    expect(sidecar.labels).toEqual(['tone']);
    // A third run has nothing to do; other options need --restart.
    const third = await runCli(['tag', lib, '-m', modelPath, '-o', out, '-j', '2']);
    expect(third.stderr).toContain('48 of 48 files already tagged');
    const other = await runCli(['tag', lib, '-m', modelPath, '-o', out, '--threshold', '0.3']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('--restart');
    const json = await runCli([
      'tag',
      lib,
      '-m',
      modelPath,
      '-o',
      join(dir, 'tags.json'),
      '--threshold',
      '0.3',
      '--quiet',
    ]);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'tags.json'), 'utf8'))).toHaveLength(48);
    // Ctrl-C: stops dispatching, finishes the files in flight, keeps the journal, exits 130.
    rmSync(`${out}.journal.ndjson`);
    const interrupted = await runCli(['tag', lib, '-m', modelPath, '-o', out, '-j', '2'], {
      mode: 'built',
      killSignal: 'SIGINT',
      killAfter: () => {
        const journal = `${out}.journal.ndjson`;
        return existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 4;
      },
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('interrupted; run the same command again to resume');
    const resumed = await runCli(['tag', lib, '-m', modelPath, '-o', out, '-j', '2']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming from .*: \d+ of 48 files already tagged/);
    const notDir = await runCli(['tag', clips[0]!.file, '-m', modelPath]);
    expect(notDir.code).toBe(2);
  });
});
