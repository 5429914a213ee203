/**
 * Lists the public exports of `@instr/infer` (the Node and the browser entries) that lack TSDoc or an
 * `@example`. Names re-exported from `@instr/core` are documented there and are not counted. Exits 1
 * when anything is missing.
 *
 * Run: `node --import tsx scripts/check-tsdoc.ts` (from packages/infer).
 */
import { join } from 'node:path';
import { tsdocGaps } from '@instr/test-utils/tsdoc';

const root = join(import.meta.dirname, '..');
const src = join(root, 'src');
// Names re-exported from @instr/core (errors, Audio, aggregateWindows…) are documented there.
const { missing, total } = tsdocGaps({
  root,
  entries: [join(src, 'node.ts'), join(src, 'browser.ts')],
  ownSource: src,
});
for (const m of missing) console.log(m);
console.log(`${total - missing.length}/${total} public exports have TSDoc with an @example`);
process.exit(missing.length ? 1 : 0);
