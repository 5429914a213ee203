import { createAudio, InvalidArgumentError, NonFiniteError, ShapeError, Tensor } from '@instr/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkSpectrogram, type PadPolicy, windowAudio, windowAudioBatch } from '../src/index.js';

const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i + 1);

/** The reference systems' iron_audios: fill the last chunk with repeats of the first chunk, trimmed. */
function ironAudios(chunks: number[][], width: number): number[][] {
  const last = chunks[chunks.length - 1]!;
  const diff = width - last.length;
  if (diff <= 0) return chunks;
  const first = chunks[0]!;
  const reps = Math.ceil(diff / first.length);
  const fill = Array.from({ length: reps }, () => first)
    .flat()
    .slice(0, diff);
  return [...chunks.slice(0, -1), [...last, ...fill]];
}

describe('windowAudio', () => {
  it("'repeat' fills the last window from the start, as iron_audios", () => {
    const x = ramp(10);
    const { tensor, spans } = windowAudio(x, { length: 4 });
    expect(tensor.dims).toEqual([3, 4]);
    expect(tensor.toArray()).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 1, 2],
    ]);
    expect(spans).toEqual([
      { start: 0, end: 4, isPadded: false },
      { start: 4, end: 8, isPadded: false },
      { start: 8, end: 10, isPadded: true },
    ]);
    const chunks = [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ];
    expect(tensor.toArray()).toEqual(ironAudios(chunks, 4));
  });
  it('a single short clip repeats itself', () => {
    const { tensor, spans } = windowAudio(ramp(3), { length: 8 });
    expect(tensor.toArray()).toEqual([[1, 2, 3, 1, 2, 3, 1, 2]]);
    expect(spans).toEqual([{ start: 0, end: 3, isPadded: true }]);
    expect(tensor.toArray()).toEqual(ironAudios([[1, 2, 3]], 8));
  });
  it.each<[PadPolicy, number[][]]>([
    [
      'zero',
      [
        [1, 2, 3, 4],
        [5, 6, 0, 0],
      ],
    ],
    [
      'reflect',
      [
        [1, 2, 3, 4],
        [5, 6, 5, 4],
      ],
    ],
    ['drop', [[1, 2, 3, 4]]],
  ])("'%s' padding", (padding, want) => {
    expect(windowAudio(ramp(6), { length: 4, padding }).tensor.toArray()).toEqual(want);
  });
  it("'reflect' bounces when the gap is longer than the signal; 'zero' takes padValue", () => {
    expect(windowAudio(ramp(3), { length: 9, padding: 'reflect' }).tensor.toArray()).toEqual([
      [1, 2, 3, 2, 1, 2, 3, 2, 1],
    ]);
    expect(windowAudio(ramp(1), { length: 3, padding: 'reflect' }).tensor.toArray()).toEqual([[1, 1, 1]]);
    expect(windowAudio(ramp(2), { length: 3, padding: 'zero', padValue: -7 }).tensor.toArray()).toEqual([
      [1, 2, -7],
    ]);
  });
  it('overlap, hop, dropShorterThan, empty input and Audio', () => {
    const x = ramp(10);
    const a = windowAudio(x, { length: 4, overlap: 0.5 });
    expect(a.spans.map((s) => s.start)).toEqual([0, 2, 4, 6]);
    expect(a.tensor.toArray()).toEqual(windowAudio(x, { length: 4, hop: 2 }).tensor.toArray());
    expect(windowAudio(x, { length: 4, dropShorterThan: 3 }).spans).toHaveLength(2);
    expect(windowAudio(ramp(2), { length: 4, dropShorterThan: 3 }).spans).toHaveLength(1);
    expect(windowAudio(new Float32Array(0), { length: 4 }).tensor.dims).toEqual([0, 4]);
    expect(windowAudio(ramp(3), { length: 4, padding: 'drop' }).spans).toEqual([]);
    const audio = createAudio(16000, [Float32Array.of(1, 3), Float32Array.of(3, 5)]);
    expect(windowAudio(audio, { length: 2 }).tensor.toArray()).toEqual([[2, 4]]);
    expect(a.windows[1]).toEqual(Float32Array.of(3, 4, 5, 6));
  });
  it('rejects bad options and samples with typed errors', () => {
    const x = ramp(10);
    for (const length of [0, -1, 2.5, Number.NaN]) {
      expect(() => windowAudio(x, { length })).toThrow(InvalidArgumentError);
    }
    for (const hop of [0, -4, 1.5])
      expect(() => windowAudio(x, { length: 4, hop })).toThrow(InvalidArgumentError);
    expect(() => windowAudio(x, { length: 4, overlap: 1 })).toThrow(InvalidArgumentError);
    expect(() => windowAudio(x, { length: 4, hop: 2, overlap: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => windowAudio(x, { length: 4, padding: 'wrap' as never })).toThrow(InvalidArgumentError);
    expect(() => windowAudio(x, undefined as never)).toThrow(InvalidArgumentError);
    expect(() => windowAudio(Float32Array.of(1, Number.NaN), { length: 4 })).toThrow(NonFiniteError);
  });
  it('property: windows cover the signal and hold its samples', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 80 }),
        fc.constantFrom<PadPolicy>('repeat', 'zero', 'reflect', 'drop'),
        (n, length, hop, padding) => {
          const x = ramp(n);
          const { tensor, spans, windows } = windowAudio(x, { length, hop, padding });
          expect(tensor.dims).toEqual([spans.length, length]);
          const covered = new Uint8Array(n);
          spans.forEach((s, i) => {
            expect(s.end - s.start).toBe(Math.min(length, n - s.start));
            expect(s.isPadded).toBe(s.end - s.start < length);
            for (let j = s.start; j < s.end; j++) {
              covered[j] = 1;
              expect(windows[i]![j - s.start]).toBe(x[j]);
            }
          });
          if (hop <= length && padding !== 'drop') expect(covered.every((c) => c === 1)).toBe(true);
          if (padding === 'drop') expect(spans.every((s) => !s.isPadded)).toBe(true);
          if (padding === 'repeat') {
            for (const [i, s] of spans.entries()) {
              for (let j = s.end - s.start; j < length; j++) {
                expect(windows[i]![j]).toBe(x[(j - (s.end - s.start)) % Math.min(n, length)]);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('windowAudioBatch', () => {
  it('stacks every file’s windows and maps windows to files', () => {
    const { tensor, spans, windowsPerFile } = windowAudioBatch(
      [ramp(5), ramp(2), new Float32Array(0), ramp(4)],
      {
        length: 4,
      },
    );
    expect(windowsPerFile).toEqual([2, 1, 0, 1]);
    expect(tensor.dims).toEqual([4, 4]);
    expect(spans.map((s) => s.fileIndex)).toEqual([0, 0, 1, 3]);
    expect(tensor.toArray()).toEqual([
      [1, 2, 3, 4],
      [5, 1, 2, 3],
      [1, 2, 1, 2],
      [1, 2, 3, 4],
    ]);
  });
  it('names the bad file', () => {
    expect(() => windowAudioBatch([ramp(3), Float32Array.of(Number.NaN)], { length: 2 })).toThrow(
      /signals\[1\]/,
    );
    expect(() => windowAudioBatch('x' as never, { length: 2 })).toThrow(InvalidArgumentError);
  });
});

describe('chunkSpectrogram', () => {
  it("chunks along frames with 'repeat' like chunk_image_by_width", () => {
    // 2 bins × 5 frames: bin b, frame t = 10·b + t.
    const spec = Tensor.from('float32', [0, 1, 2, 3, 4, 10, 11, 12, 13, 14], [2, 5]);
    const { tensor, spans } = chunkSpectrogram(spec, { length: 3 });
    expect(tensor.dims).toEqual([2, 2, 3]);
    expect(tensor.toArray()).toEqual([
      [
        [0, 1, 2],
        [10, 11, 12],
      ],
      [
        [3, 4, 0],
        [13, 14, 10],
      ],
    ]);
    expect(spans[1]).toEqual({ start: 3, end: 5, isPadded: true });
    const single = chunkSpectrogram(spec, { length: 7 }).tensor.toArray();
    expect(single).toEqual([
      [
        [0, 1, 2, 3, 4, 0, 1],
        [10, 11, 12, 13, 14, 10, 11],
      ],
    ]);
    const mfccLike = chunkSpectrogram(spec, { length: 3, padding: 'zero', padValue: -7.3612 }).tensor;
    expect(mfccLike.get(1, 0, 2)).toBeCloseTo(-7.3612, 5);
    expect(chunkSpectrogram(spec.astype('float64'), { length: 3 }).tensor.toArray()).toEqual(
      tensor.toArray(),
    );
  });
  it('rejects non-2-D input', () => {
    expect(() => chunkSpectrogram(Tensor.zeros('float32', [5]), { length: 3 })).toThrow(ShapeError);
    expect(() => chunkSpectrogram(Tensor.zeros('float32', [0, 5]), { length: 3 })).toThrow(ShapeError);
    expect(() => chunkSpectrogram(Tensor.zeros('float32', [2, 5]), { length: 0 })).toThrow(
      InvalidArgumentError,
    );
  });
});
