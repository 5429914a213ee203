/**
 * Lists the public exports of `@instr/dsp` (the `.` and `./node` entries) that lack TSDoc or an
 * `@example`. Values (functions, classes, constants) need both; types and interfaces need TSDoc and
 * an `@example` too unless `--values-only` is given. Exits 1 when anything is missing.
 *
 * Run: `node --import tsx scripts/check-tsdoc.ts [--values-only]` (from packages/dsp).
 */
import { join } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const entries = [join(root, 'src', 'index.ts'), join(root, 'src', 'node', 'index.ts')];
const valuesOnly = process.argv.includes('--values-only');
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
function docsOf(decl: ts.Declaration): ts.JSDoc[] {
  let node: ts.Node = decl;
  if (ts.isVariableDeclaration(node)) node = node.parent.parent;
  return ((node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []) as ts.JSDoc[];
}

const missing: string[] = [];
let total = 0;
for (const entry of entries) {
  const sf = program.getSourceFile(entry)!;
  const mod = checker.getSymbolAtLocation(sf)!;
  for (const exp of checker.getExportsOfModule(mod)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    const decls = sym.declarations ?? [];
    const isValue = (sym.flags & ts.SymbolFlags.Value) !== 0;
    if (!isValue && valuesOnly) continue;
    total++;
    const docs = decls.flatMap(docsOf);
    // An overloaded function counts as documented when any overload (or the implementation) is.
    const hasDoc = docs.some((d) => (d.comment ?? '') !== '' || (d.tags?.length ?? 0) > 0);
    const hasExample = docs.some((d) => d.tags?.some((t) => t.tagName.text === 'example'));
    if (!hasDoc || !hasExample) {
      const d = decls[0];
      const where = d
        ? `${d.getSourceFile().fileName.slice(root.length + 1)}:${d.getSourceFile().getLineAndCharacterOfPosition(d.getStart()).line + 1}`
        : '?';
      missing.push(
        `${exp.name.padEnd(32)} ${isValue ? 'value' : 'type '} ${!hasDoc ? 'no TSDoc' : 'no @example'}  ${where}`,
      );
    }
  }
}
for (const m of missing) console.log(m);
console.log(
  `${total - missing.length}/${total} public exports have TSDoc with an @example${valuesOnly ? ' (values only)' : ''}`,
);
process.exit(missing.length ? 1 : 0);
