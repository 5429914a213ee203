/**
 * Lists the public exports of `@instr/infer` (the Node and the browser entries) that lack TSDoc or an
 * `@example`. Names re-exported from `@instr/core` are documented there and are not counted. Exits 1
 * when anything is missing.
 *
 * Run: `node --import tsx scripts/check-tsdoc.ts` (from packages/infer).
 */
import { join } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const src = join(root, 'src');
const entries = [join(src, 'node.ts'), join(src, 'browser.ts')];
const program = ts.createProgram(entries, {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  customConditions: ['instr-source'],
  strict: true,
  noEmit: true,
});
const checker = program.getTypeChecker();

/** JSDoc comments attached to a declaration (for a variable: its statement). */
function docsOf(decl: ts.Node): ts.JSDoc[] {
  let node: ts.Node = decl;
  if (ts.isVariableDeclaration(node)) node = node.parent.parent;
  return ((node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []) as ts.JSDoc[];
}

const missing = new Set<string>();
const seen = new Set<ts.Declaration>();
for (const entry of entries) {
  const sf = program.getSourceFile(entry)!;
  const mod = checker.getSymbolAtLocation(sf)!;
  for (const exp of checker.getExportsOfModule(mod)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    const decls = sym.declarations ?? [];
    // Names re-exported from @instr/core (errors, Audio, aggregateWindows…) are documented there.
    if (!decls.some((d) => d.getSourceFile().fileName.startsWith(src))) continue;
    if (seen.has(decls[0]!)) continue; // the same declaration through the other entry
    seen.add(decls[0]!);
    const key = `${entry.endsWith('node.ts') ? 'node' : 'browser'}:${exp.name}`;
    const docs = decls.flatMap(docsOf);
    const hasDoc = docs.some((d) => (d.comment ?? '') !== '' || (d.tags?.length ?? 0) > 0);
    const hasExample = docs.some((d) => d.tags?.some((t) => t.tagName.text === 'example'));
    if (!hasDoc || !hasExample) missing.add(`${key.padEnd(36)} ${!hasDoc ? 'no TSDoc' : 'no @example'}`);
  }
}
for (const m of missing) console.log(m);
console.log(`${seen.size - missing.size}/${seen.size} public exports have TSDoc with an @example`);
process.exit(missing.size ? 1 : 0);
