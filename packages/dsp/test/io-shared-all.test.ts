import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAudioFile } from '@instr/dsp/node';
import { sharedDir, sharedPath } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';

// Sample counts Debian's ffmpeg decodes from every FLAC in shared/data (scripts/gen_io_counts.py).
const counts: Record<string, number> = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'io', 'shared-sample-counts.json'), 'utf8'),
);
// Every dev file and every 4th train file: all real-file shapes, within the test budget.
const files = Object.keys(counts).filter((f, i) => f.startsWith('dev/') || i % 4 === 0);

describe.skipIf(!sharedDir)('real FLAC files decode completely, like ffmpeg (needs ../shared)', () => {
  it(`decodes ${files.length} shared files to ffmpeg's sample counts`, async () => {
    const wrong: string[] = [];
    for (const file of files) {
      const audio = await readAudioFile(sharedPath('data', file));
      if (audio.channels[0]!.length !== counts[file]) {
        wrong.push(`${file}: ${audio.channels[0]!.length} vs ${counts[file]}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 240_000);
});
