import { type Document, LineCounter, parseDocument } from 'yaml';
import { BgReplayError, type BgReplayErrorCode } from './errors.js';

/** A parsed YAML (or JSON) document, its plain value, and the counter that maps offsets to lines. */
export interface ParsedYaml {
  document: Document.Parsed;
  counter: LineCounter;
  value: unknown;
}

/**
 * Parses YAML or JSON text keeping line numbers, so callers can name `file:line` of a field. A syntax error, a
 * dangling alias or an alias bomb is a `BgReplayError` with `code` naming the file (and line when known).
 */
export function parseYamlDocument(text: string, name: string, code: BgReplayErrorCode): ParsedYaml {
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const syntax = document.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0]?.line ?? counter.linePos(syntax.pos[0]).line;
    throw new BgReplayError(code, `${name}:${line}: invalid YAML/JSON: ${syntax.message.split('\n')[0]}`);
  }
  try {
    // yaml resolves aliases here: a dangling alias or an alias bomb throws.
    return { document, counter, value: document.toJS() };
  } catch (error) {
    throw new BgReplayError(code, `${name}: invalid YAML: ${(error as Error).message}`, { cause: error });
  }
}
