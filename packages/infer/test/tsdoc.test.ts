import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('documentation', () => {
  it('every public export of both entries has TSDoc with an @example (scripts/check-tsdoc.ts)', () => {
    const root = join(import.meta.dirname, '..');
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'check-tsdoc.ts')], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out.trim().split('\n').pop()).toMatch(/^(\d+)\/\1 public exports have TSDoc with an @example$/);
  });
});
