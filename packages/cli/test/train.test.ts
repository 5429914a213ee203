import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOverrides } from '../src/commands/train.js';
import { runCli, tempDir, writeClips } from './helpers.js';

describe('instr train', () => {
  it('parses --set overrides as JSON or strings', () => {
    expect(parseOverrides(['loop.epochs=3', 'name=quick', 'model.channels=[8,16]'])).toEqual({
      'loop.epochs': 3,
      name: 'quick',
      'model.channels': [8, 16],
    });
    expect(() => parseOverrides(['epochs'])).toThrow(/key=value/);
  });

  it('trains from a config, exports a model that instr classify loads; bad configs name the key', async () => {
    const dir = tempDir('instr-train-');
    const clips = await writeClips(join(dir, 'audio'), 24, 1);
    writeFileSync(
      join(dir, 'manifest.csv'),
      `file,labels\n${clips.map((c) => `${c.file.slice(dir.length + 1)},${c.labels.join(';')}`).join('\n')}\n`,
    );
    const config = {
      name: 'cli-train',
      outDir: 'run',
      seed: 3,
      instruments: [{ code: 'tone' }, { code: 'noise' }, { code: 'click' }],
      data: { train: { type: 'csv', path: 'manifest.csv' }, valFraction: 0.25, batchSize: 8, workers: 1 },
      features: { sampleRate: 16000, nFft: 512, hopLength: 256, nMels: 32 },
      window: { seconds: 1, hopSeconds: 0.5 },
      model: { type: 'simple-cnn', channels: [8, 16], hidden: 16 },
      loop: { epochs: 3 },
    };
    writeFileSync(join(dir, 'train.json'), JSON.stringify(config));
    const r = await runCli(['train', 'train.json', '--set', 'loop.epochs=2'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.epochs).toBe(2);
    expect(out.trainSize + out.valSize).toBe(24);
    expect(out.model).toMatch(/\.onnx$/);
    const classify = await runCli(['classify', clips[0]!.file, '-m', join(dir, out.model), '-f', 'json']);
    expect(classify.code).toBe(0);
    expect(JSON.parse(classify.stdout)[0].model.name).toBe('cli-train');
    expect(readFileSync(join(dir, out.model)).length).toBeGreaterThan(1000);
    const bad = await runCli(['train', 'train.json', '--set', 'loop.epochs=0'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('loop.epochs');
    const missing = await runCli(['train', 'nope.json'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.json');
  });
});
