import {
  IRMAS_CODES,
  InstrumentSet,
  InvalidArgumentError,
  ShapeError,
  UnknownInstrumentError,
} from '@instr/core';
import { describe, expect, it } from 'vitest';

describe('InstrumentSet', () => {
  const irmas = InstrumentSet.irmas();

  it('has the IRMAS classes in the fixed order', () => {
    expect(irmas.codes).toEqual([
      'cel',
      'cla',
      'flu',
      'gac',
      'gel',
      'org',
      'pia',
      'sax',
      'tru',
      'vio',
      'voi',
    ]);
    expect(IRMAS_CODES).toEqual(irmas.codes);
    expect(irmas.get('voi').name).toBe('Human voice');
    expect(irmas.get('gac').family).toBe('guitars');
    expect(irmas.size).toBe(11);
  });

  it('encodes and decodes label vectors', () => {
    const v = irmas.encode(['pia', 'voi']);
    expect(Array.from(v)).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(irmas.decode(v)).toEqual(['pia', 'voi']);
    const scores = [0.1, 0.6, 0, 0, 0, 0, 0.4, 0, 0, 0, 0.2];
    expect(irmas.decode(scores, 0.3)).toEqual(['cla', 'pia']);
    const perClass = new Array(11).fill(0.5);
    perClass[10] = 0.1;
    expect(irmas.decode(scores, perClass)).toEqual(['cla', 'voi']);
  });

  it('rejects unknown codes and wrong lengths with typed errors', () => {
    expect(() => irmas.encode(['banjo'])).toThrow(UnknownInstrumentError);
    try {
      irmas.indexOf('banjo');
    } catch (e) {
      expect((e as UnknownInstrumentError).message).toContain('banjo');
      expect((e as UnknownInstrumentError).details.actual).toBe('banjo');
    }
    expect(() => irmas.decode([1, 0])).toThrow(ShapeError);
  });

  it('supports custom sets, families and JSON round trips', () => {
    const drums = InstrumentSet.custom([
      { code: 'kick', name: 'Kick', family: 'drums' },
      { code: 'snare', family: 'drums' },
      { code: 'bass' },
    ]);
    expect(drums.get('snare').name).toBe('snare');
    expect(drums.families).toEqual(['drums', 'bass']);
    expect(drums.familyMembers().get('drums')).toEqual([0, 1]);
    const copy = InstrumentSet.fromJSON(JSON.parse(JSON.stringify(drums)));
    expect(copy.equals(drums)).toBe(true);
    expect(copy.equals(irmas)).toBe(false);
    expect(() => InstrumentSet.custom([{ code: 'a' }, { code: 'a' }])).toThrow(InvalidArgumentError);
    expect(() => InstrumentSet.custom([])).toThrow(InvalidArgumentError);
    expect(() => InstrumentSet.custom([{ code: 'has space' }])).toThrow(InvalidArgumentError);
    expect(() => InstrumentSet.fromJSON({})).toThrow(InvalidArgumentError);
  });
});
