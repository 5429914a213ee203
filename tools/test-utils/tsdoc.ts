/**
 * Finds the public exports of a package's entry files that lack TSDoc or an `@example` (the conventions ask
 * for both). Used by the packages' `scripts/check-tsdoc.ts`.
 */
import ts from 'typescript';

/** Options of {@link tsdocGaps}. */
export interface TsdocGapsOptions {
  /** Package root (paths are reported relative to it). */
  root: string;
  /** Entry files whose exports are public. */
  entries: string[];
  /** Only check values (functions, classes, constants), not types and interfaces. */
  valuesOnly?: boolean;
  /** Skip names declared outside this folder (e.g. re-exported from another package, documented there). */
  ownSource?: string;
}

/** Checks every export once (an export reached through two entries counts once). */
export function tsdocGaps(o: TsdocGapsOptions): { missing: string[]; total: number } {
  const program = ts.createProgram(o.entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    customConditions: ['instr-source'],
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  const seen = new Set<ts.Declaration>();
  for (const entry of o.entries) {
    const mod = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const exp of checker.getExportsOfModule(mod)) {
      const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      const decls = sym.declarations ?? [];
      const isValue = (sym.flags & ts.SymbolFlags.Value) !== 0;
      if (!isValue && o.valuesOnly) continue;
      if (o.ownSource && !decls.some((d) => d.getSourceFile().fileName.startsWith(o.ownSource!))) continue;
      if (decls[0] && seen.has(decls[0])) continue;
      if (decls[0]) seen.add(decls[0]);
      const docs = decls.flatMap(docsOf);
      // An overloaded function counts as documented when any overload (or the implementation) is.
      const hasDoc = docs.some((d) => (d.comment ?? '') !== '' || (d.tags?.length ?? 0) > 0);
      const hasExample = docs.some((d) => d.tags?.some((t) => t.tagName.text === 'example'));
      if (!hasDoc || !hasExample) {
        const d = decls[0];
        const where = d
          ? `${d.getSourceFile().fileName.slice(o.root.length + 1)}:${d.getSourceFile().getLineAndCharacterOfPosition(d.getStart()).line + 1}`
          : '?';
        missing.push(
          `${exp.name.padEnd(32)} ${isValue ? 'value' : 'type '} ${!hasDoc ? 'no TSDoc' : 'no @example'}  ${where}`,
        );
      }
    }
  }
  return { missing, total: seen.size };
}

/** JSDoc comments attached to a declaration (for a variable: its statement). */
function docsOf(decl: ts.Node): ts.JSDoc[] {
  let node: ts.Node = decl;
  if (ts.isVariableDeclaration(node)) node = node.parent.parent;
  return ((node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []) as ts.JSDoc[];
}
