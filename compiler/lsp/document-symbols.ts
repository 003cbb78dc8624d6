/**
 * The outline of a `.mimi` file: its declarations, with hierarchy levels under their hierarchy and
 * scenarios' steps left out (they are not declarations).
 */
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver';
import type * as A from '../../grammar/index.js';

export function documentSymbols(file: A.SourceFile, range: (span: A.Span) => Range): DocumentSymbol[] {
  const sym = (name: string, kind: SymbolKind, span: A.Span, selection: A.Span = span, detail?: string, children?: DocumentSymbol[]): DocumentSymbol => ({
    name,
    kind,
    range: range(span),
    selectionRange: range(selection),
    ...(detail ? { detail } : {}),
    ...(children?.length ? { children } : {}),
  });
  const out: DocumentSymbol[] = [];
  for (const item of file.items) {
    switch (item.kind) {
      case 'Import':
        out.push(sym(`import ${item.path.value}`, SymbolKind.File, item.span, item.path.span));
        break;
      case 'Room':
        out.push(sym(item.name ? `room "${item.name.value}"` : 'room', SymbolKind.Namespace, item.span));
        break;
      case 'CapabilityDecl':
        out.push(sym(item.name.name, SymbolKind.Constant, item.span, item.name.span, `capability ${item.code.text}`));
        break;
      case 'CredentialDecl':
        out.push(sym(`credential ${item.name.name}`, SymbolKind.Constant, item.span, item.name.span, item.code.text));
        break;
      case 'Package':
        out.push(sym(item.name.name, SymbolKind.Module, item.span, item.name.span, `${item.required ? 'required ' : ''}package`));
        break;
      case 'Role':
        out.push(sym(item.name.name, SymbolKind.Class, item.span, item.name.span, `role${item.index ? ` @${item.index.text}` : ''}${item.extends ? ` extends ${item.extends.name}` : ''}`));
        break;
      case 'Preauth':
        out.push(sym('preauth', SymbolKind.Object, item.span, item.span, `${item.entries.length} entries`));
        break;
      case 'Participants':
        out.push(sym('participants', SymbolKind.Object, item.span, item.span, `${item.entries.length} users`));
        break;
      case 'History':
        out.push(sym('history', SymbolKind.Object, item.span, item.span, item.mode));
        break;
      case 'Component':
        out.push(sym(`component ${item.id.text}`, SymbolKind.Object, item.span));
        break;
      case 'Allow':
        out.push(sym(`allow ${item.finding.name}`, SymbolKind.Event, item.span, item.finding.span));
        break;
      case 'Hierarchy':
        out.push(sym('hierarchy', SymbolKind.Namespace, item.span, item.span, `${item.levels.length} levels`, item.levels.map((l) => sym(l.name.name, SymbolKind.EnumMember, l.span, l.name.span, 'level'))));
        break;
      case 'Addon':
        out.push(sym(item.name.name, SymbolKind.Class, item.span, item.name.span, 'addon'));
        break;
      case 'Bans':
        out.push(sym('bans', SymbolKind.Object, item.span));
        break;
      case 'Scenario':
        out.push(sym(`scenario "${item.name.value}"`, SymbolKind.Event, item.span, item.name.span, `${item.steps.length} steps`));
        break;
      case 'Reserved':
        break;
    }
  }
  return out;
}
