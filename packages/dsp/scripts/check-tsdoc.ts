/**
 * Lists the public exports of `@instr/dsp` (the `.` and `./node` entries) that lack TSDoc or an
 * `@example`. Values (functions, classes, constants) need both; types and interfaces need TSDoc and
 * an `@example` too unless `--values-only` is given. Exits 1 when anything is missing.
 *
 * Run: `node --import tsx scripts/check-tsdoc.ts [--values-only]` (from packages/dsp).
 */
import { join } from 'node:path';
import { tsdocGaps } from '@instr/test-utils/tsdoc';

const root = join(import.meta.dirname, '..');
const valuesOnly = process.argv.includes('--values-only');
const { missing, total } = tsdocGaps({
  root,
  entries: [join(root, 'src', 'index.ts'), join(root, 'src', 'node', 'index.ts')],
  valuesOnly,
});
for (const m of missing) console.log(m);
console.log(
  `${total - missing.length}/${total} public exports have TSDoc with an @example${valuesOnly ? ' (values only)' : ''}`,
);
process.exit(missing.length ? 1 : 0);
