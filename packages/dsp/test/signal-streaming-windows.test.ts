import { NonFiniteError } from '@instr/core';
import { type PadPolicy, StreamingWindower, windowAudio } from '@instr/dsp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('StreamingWindower', () => {
  it('equals windowAudio for any chunking, length, hop and padding (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 70 }),
        fc.constantFrom<PadPolicy>('repeat', 'zero', 'reflect', 'drop'),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }),
        (n, length, hop, padding, cuts) => {
          const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + i * 1e-3);
          const offline = windowAudio(x, { length, hop, padding });
          const w = new StreamingWindower({ length, hop, padding });
          const streamed = [];
          let pos = 0;
          for (let c = 0; pos < n; c++) {
            const size = cuts[c % cuts.length]!;
            streamed.push(...w.push(x.subarray(pos, pos + size)));
            pos += size;
          }
          streamed.push(...w.flush());
          expect(streamed.map((s) => s.span)).toEqual(offline.spans);
          streamed.forEach((s, i) => expect(s.samples).toEqual(offline.windows[i]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps memory bounded on a long stream and emits windows as soon as they are complete', () => {
    const w = new StreamingWindower({ length: 1000, hop: 500 });
    let emitted = 0;
    const chunk = new Float32Array(333).fill(0.1);
    for (let i = 0; i < 3000; i++) emitted += w.push(chunk).length;
    expect(emitted).toBe(Math.floor((3000 * 333 - 1000) / 500) + 1);
    expect((w as unknown as { buffer: Float32Array }).buffer.length).toBeLessThan(10_000);
    expect(() => w.push([Number.NaN])).toThrow(NonFiniteError);
  });
});
