import { statSync } from 'node:fs';
import { join } from 'node:path';
import { readAudioFile } from '@instr/dsp/node';
import { defaultModelPath, loadClassifier } from '@instr/infer';
import { sharedDir } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';

// Two dev recordings of different instruments (cello solo, singing voice).
const clips = [
  'seth814__wavfiles__Cello__00353774.flac',
  'andabi__dataset__mir-1k__Wavfile__stool_2_08.flac',
];

describe.skipIf(!sharedDir)(
  'the shipped default model and its int8 variant (needs ../shared/data/dev)',
  () => {
    it('int8 is a quarter of the size, has the same metadata and close probabilities', async () => {
      const float = await loadClassifier();
      const int8 = await loadClassifier(defaultModelPath('int8'));
      try {
        expect(statSync(defaultModelPath('int8')).size).toBeLessThan(0.3 * statSync(defaultModelPath()).size);
        expect(int8.metadata).toEqual(float.metadata);
        for (const clip of clips) {
          const audio = await readAudioFile(join(sharedDir!, 'data', 'dev', 'clips', clip));
          const [a, b] = [await float.classify(audio), await int8.classify(audio)];
          for (const s of a.instruments) {
            const t = b.instruments.find((x) => x.code === s.code)!;
            expect(Math.abs(t.probability - s.probability), `${clip} ${s.code}`).toBeLessThan(0.05);
          }
        }
      } finally {
        await float.dispose();
        await int8.dispose();
      }
    });
  },
);
