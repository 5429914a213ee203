import { InvalidArgumentError } from '@instr/core';

/**
 * Bytes accepted by the decoders: a `Uint8Array` (a Node `Buffer` is one) or an `ArrayBuffer`.
 * @example
 * ```ts
 * const bytes: AudioBytes = await (await fetch('/a.flac')).arrayBuffer();
 * ```
 */
export type AudioBytes = Uint8Array | ArrayBuffer;

/** Views `bytes` as a Uint8Array without copying. @internal */
export function asUint8Array(bytes: AudioBytes, source?: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) {
    const view = bytes as ArrayBufferView;
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
  const where = source ? ` for ${source}` : '';
  throw new InvalidArgumentError(
    `Audio bytes${where} must be a Uint8Array or an ArrayBuffer, got ${describe(bytes)}.`,
    {
      details: {
        key: 'bytes',
        expected: 'Uint8Array | ArrayBuffer',
        actual: describe(bytes),
        ...fileDetail(source),
      },
    },
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** `{ file: source }` when a source is known. @internal */
export function fileDetail(source: string | undefined): { file?: string } {
  return source === undefined ? {} : { file: source };
}

/** ` in <source>` or an empty string. @internal */
export function inSource(source: string | undefined): string {
  return source === undefined ? '' : ` in ${source}`;
}

/** Four-character code at `offset` (Latin-1), or '' when out of range. @internal */
export function fourCC(bytes: Uint8Array, offset: number): string {
  if (offset + 4 > bytes.length) return '';
  return String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
}

/** ASCII text of `bytes[offset, offset+length)`. @internal */
export function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = offset; i < offset + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** The first bytes as hex, for error messages. @internal */
export function hexPreview(bytes: Uint8Array, count = 12): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(count, bytes.length); i++) parts.push(bytes[i]!.toString(16).padStart(2, '0'));
  return parts.join(' ') + (bytes.length > count ? ' …' : '');
}

/** Concatenates byte arrays. @internal */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Concatenates float arrays. @internal */
export function concatFloat32(parts: readonly Float32Array[], total?: number): Float32Array {
  if (parts.length === 1 && (total === undefined || total === parts[0]!.length)) return parts[0]!;
  let n = total ?? 0;
  if (total === undefined) for (const p of parts) n += p.length;
  const out = new Float32Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p.subarray(0, Math.min(p.length, n - o)), o);
    o += p.length;
    if (o >= n) break;
  }
  return out;
}
