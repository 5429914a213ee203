import { type DataType, TYPED_ARRAY } from './dtype.js';
import { InvalidArgumentError, UnsupportedFormatError } from './errors.js';
import { Tensor } from './tensor.js';

/**
 * NumPy `.npy` (format 1.0–3.0) reading and writing, so arrays move between instr and Python unchanged.
 * Complex64 arrays are read as float32 with a trailing axis of 2 (re, im).
 *
 * @example
 * ```ts
 * const t = readNpy(await readFile('x.npy')); // Tensor
 * await writeFile('y.npy', writeNpy(t));
 * ```
 */
export function readNpy(bytes: Uint8Array): Tensor {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) {
    throw new UnsupportedFormatError('Not a .npy file (bad magic string).');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1] === 'True';
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new UnsupportedFormatError(`Malformed .npy header: ${header}`);
  if (fortran)
    throw new UnsupportedFormatError('Fortran-ordered .npy arrays are not supported; save with C order.');
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const table: Record<string, [DataType, number]> = {
    '<f4': ['float32', 1],
    '<f8': ['float64', 1],
    '<i4': ['int32', 1],
    '<i8': ['int64', 1],
    '|u1': ['uint8', 1],
    '|b1': ['bool', 1],
    '<c8': ['float32', 2],
  };
  const entry = table[descr];
  if (!entry)
    throw new UnsupportedFormatError(`Unsupported .npy dtype "${descr}".`, { details: { actual: descr } });
  const [dtype, lanes] = entry;
  const count = dims.reduce((a, b) => a * b, 1) * lanes;
  const start = headerStart + headerLen;
  const Ctor = TYPED_ARRAY[dtype];
  const nbytes = count * Ctor.BYTES_PER_ELEMENT;
  if (bytes.length < start + nbytes) throw new UnsupportedFormatError('Truncated .npy file.');
  // Copy into an aligned buffer: the payload offset is not guaranteed to be a multiple of the element size.
  // (Uint8Array.prototype.slice, not Buffer#slice, which returns a view over the whole pool.)
  const buf = Uint8Array.prototype.slice.call(bytes, start, start + nbytes).buffer;
  const data = new Ctor(buf, 0, count);
  return new Tensor(dtype, data as never, lanes === 2 ? [...dims, 2] : dims);
}

/** Serialises a tensor as a version 1.0 `.npy` file. */
export function writeNpy(tensor: Tensor): Uint8Array {
  const descr: Record<DataType, string> = {
    float32: '<f4',
    float64: '<f8',
    int32: '<i4',
    int64: '<i8',
    uint8: '|u1',
    bool: '|b1',
  };
  if (!descr[tensor.dtype]) throw new InvalidArgumentError(`Cannot write dtype ${tensor.dtype} to .npy.`);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr[tensor.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const headerBytes = new TextEncoder().encode(header);
  const data = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const out = new Uint8Array(10 + headerBytes.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, headerBytes.length, true);
  out.set(headerBytes, 10);
  out.set(data, 10 + headerBytes.length);
  return out;
}
