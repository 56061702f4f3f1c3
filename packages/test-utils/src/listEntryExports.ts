import ts from 'typescript';

/** One name an entry point exports, and what its TSDoc says. */
export interface EntryExport {
  /** The entry file it is exported from, as given. */
  entry: string;
  name: string;
  /** `value` for a function, class or constant (something a program calls), `type` for a type or interface. */
  kind: 'value' | 'type';
  /** Where it is declared, relative to the entry's folder (`report/parseReport.ts`). */
  declaredIn: string;
  /** The declaration carries a TSDoc comment. */
  documented: boolean;
  /** The comment has an `@example` block. */
  hasExample: boolean;
}

/**
 * Lists the exports of TypeScript entry points (`src/index.ts`, `src/internal.ts`) with the state of their
 * TSDoc, read by the compiler from the source in one program, so a test can hold a public API to "every
 * export is documented with an example" and keep the internals out of it.
 *
 * Imported from `@bg-replay/test-utils/listEntryExports` (not the root entry), so only API tests load the compiler.
 *
 * @example
 * const missing = listEntryExports(['src/index.ts']).filter((e) => e.kind === 'value' && !e.hasExample);
 * expect(missing.map((e) => e.name)).toEqual([]);
 */
export function listEntryExports(entryFiles: readonly string[]): EntryExport[] {
  const program = ts.createProgram([...entryFiles], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  return entryFiles.flatMap((entry) => {
    const source = program.getSourceFile(entry);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`listEntryExports: ${entry} is not a module the compiler can read`);
    const folder = entry.replace(/[^/\\]+$/, '');
    return checker.getExportsOfModule(moduleSymbol).map((symbol): EntryExport => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const declaration = target.declarations?.[0];
      return {
        entry,
        name: symbol.name,
        kind: target.flags & ts.SymbolFlags.Value ? 'value' : 'type',
        declaredIn: declaration ? declaration.getSourceFile().fileName.replace(folder, '') : '',
        documented: declaration ? ts.getJSDocCommentsAndTags(declaration).length > 0 : false,
        hasExample: declaration
          ? ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example')
          : false,
      };
    });
  });
}
