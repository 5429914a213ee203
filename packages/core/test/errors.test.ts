import {
  AudioDecodeError,
  InstrError,
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  UnknownInstrumentError,
} from '@instr/core';
import { describe, expect, it } from 'vitest';

describe('InstrError hierarchy', () => {
  it('carries a stable code, typed details, cause and name', () => {
    const cause = new Error('disk');
    const e = new AudioDecodeError('bad file', { details: { file: 'a.wav' }, cause });
    expect(e).toBeInstanceOf(InstrError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('AUDIO_DECODE');
    expect(e.name).toBe('AudioDecodeError');
    expect(e.details.file).toBe('a.wav');
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toEqual({
      name: 'AudioDecodeError',
      code: 'AUDIO_DECODE',
      message: 'bad file',
      details: { file: 'a.wav' },
    });
  });

  it('isInstance works across package copies (symbol marker, not instanceof)', () => {
    // A look-alike error from "another copy" of the package: same global symbol and code.
    const foreign = new Error('x') as Error & { code: string };
    Object.defineProperty(foreign, Symbol.for('instr.error'), { value: true });
    foreign.code = 'SHAPE_MISMATCH';
    expect(InstrError.isInstance(foreign)).toBe(true);
    expect(ShapeError.isInstance(foreign)).toBe(true);
    expect(NonFiniteError.isInstance(foreign)).toBe(false);
    expect(InstrError.isInstance(new Error('plain'))).toBe(false);
    expect(InstrError.isInstance(null)).toBe(false);
    expect(InstrError.isInstance('SHAPE_MISMATCH')).toBe(false);
  });

  it('subclasses narrow by code', () => {
    const e: unknown = new UnknownInstrumentError('nope');
    expect(UnknownInstrumentError.isInstance(e)).toBe(true);
    expect(InvalidArgumentError.isInstance(e)).toBe(false);
  });
});
