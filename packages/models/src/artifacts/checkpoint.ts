import { type DataType, IOError, Tensor, TYPED_ARRAY } from '@instr/core';

const MAGIC = 'INSTRCKPT1\n';

/** A training checkpoint: named tensors (parameters, buffers, optimiser state), the step count and notes. */
export interface Checkpoint {
  /** Number of completed optimiser updates. */
  step: number;
  tensors: Map<string, Tensor>;
  /** Free-form JSON-serialisable extras (epoch, schedule state, …). */
  meta?: Record<string, unknown>;
}

/**
 * Serialises a checkpoint: magic line, a little-endian u32 header length, a JSON header
 * (`step`, `meta`, per tensor name / dtype / dims / byte offset), then the raw little-endian data
 * (64-byte aligned).
 *
 * @example
 * ```ts
 * const bytes = encodeCheckpoint({ step: 3, tensors: session.state() });
 * ```
 */
export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  const entries: { name: string; dtype: DataType; dims: number[]; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [name, t] of ckpt.tensors) {
    offset = Math.ceil(offset / 64) * 64;
    const length = (t.data as unknown as ArrayBufferView).byteLength;
    entries.push({ name, dtype: t.dtype, dims: [...t.dims], offset, length });
    offset += length;
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ step: ckpt.step, meta: ckpt.meta ?? {}, tensors: entries }),
  );
  const magic = new TextEncoder().encode(MAGIC);
  const start = Math.ceil((magic.length + 4 + header.length) / 64) * 64;
  const out = new Uint8Array(start + offset);
  out.set(magic, 0);
  new DataView(out.buffer).setUint32(magic.length, header.length, true);
  out.set(header, magic.length + 4);
  let i = 0;
  for (const t of ckpt.tensors.values()) {
    const v = t.data as unknown as ArrayBufferView;
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), start + entries[i++]!.offset);
  }
  return out;
}

/**
 * Reads a checkpoint written by {@link encodeCheckpoint}.
 * @throws IOError if the bytes are not a checkpoint or are truncated.
 * @example
 * ```ts
 * const { step, tensors } = decodeCheckpoint(bytes);
 * ```
 */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const magic = new TextEncoder().encode(MAGIC);
  if (
    bytes.length < magic.length + 4 ||
    new TextDecoder().decode(bytes.subarray(0, magic.length)) !== MAGIC
  ) {
    throw new IOError(
      'Not an instr checkpoint (bad magic); expected a file written by TrainSession.saveCheckpoint().',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = view.getUint32(magic.length, true);
  let header: {
    step: number;
    meta: Record<string, unknown>;
    tensors: { name: string; dtype: DataType; dims: number[]; offset: number; length: number }[];
  };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(magic.length + 4, magic.length + 4 + hlen)));
  } catch (cause) {
    throw new IOError('Checkpoint header is corrupt.', { cause });
  }
  const start = Math.ceil((magic.length + 4 + hlen) / 64) * 64;
  const tensors = new Map<string, Tensor>();
  for (const e of header.tensors) {
    if (start + e.offset + e.length > bytes.length) {
      throw new IOError(`Checkpoint is truncated: tensor "${e.name}" ends past the end of the data.`, {
        details: { expected: start + e.offset + e.length, actual: bytes.length, key: e.name },
      });
    }
    const Ctor = TYPED_ARRAY[e.dtype];
    const copy = bytes.slice(start + e.offset, start + e.offset + e.length);
    const bpe = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    const data = new (Ctor as unknown as new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView)(
      copy.buffer,
      0,
      e.length / bpe,
    );
    tensors.set(e.name, new Tensor(e.dtype, data as never, e.dims));
  }
  return { step: header.step, tensors, meta: header.meta };
}
