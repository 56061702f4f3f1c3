import type { ParseOutcome, RequestRecord, SourcePosition } from '../model.js';
import type { Line } from './readLines.js';

/** A log format: how to recognise it from a first line, and how to turn lines into records. */
export interface FormatParser {
  name: string;
  /** True when this first non-empty line looks like this format. */
  detect(firstLine: string): boolean;
  parse(lines: AsyncIterable<Line>, source: string): AsyncIterable<ParseOutcome>;
}

/** What a line parser returns: a record, `null` for a line to ignore silently, or a reason it is malformed. */
export type LineResult = RequestRecord | null | { malformed: string };

/** Builds a streaming parser from a function of one line; blank lines are ignored. */
export function createLineParser(
  name: string,
  detect: (firstLine: string) => boolean,
  parseLine: (text: string, position: SourcePosition) => LineResult,
): FormatParser {
  return {
    name,
    detect,
    async *parse(lines, source) {
      for await (const { text, line } of lines) {
        if (text.trim() === '') continue;
        const position = { source, line };
        let result: LineResult;
        try {
          result = parseLine(text, position);
        } catch (error) {
          result = { malformed: (error as Error).message };
        }
        if (result === null) continue;
        if ('malformed' in result) yield { kind: 'malformed', position, reason: result.malformed };
        else yield { kind: 'record', record: { ...result, position } };
      }
    },
  };
}

/** Parses a JSON object line; returns a reason when it is not one. */
export function parseJsonObject(text: string): Record<string, unknown> | { malformed: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { malformed: 'not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { malformed: 'not a JSON object' };
  }
  return value as Record<string, unknown>;
}

/** Lower-cases header names and keeps string values only. */
export function normalizeHeaders(input: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    for (const [name, value] of Object.entries(input)) {
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
      else if (typeof value === 'number') headers[name.toLowerCase()] = String(value);
      else if (Array.isArray(value)) headers[name.toLowerCase()] = value.map(String).join(', ');
    }
  }
  return headers;
}

const METHOD = /^[A-Z]{3,10}$/;

/** Validates and upper-cases an HTTP method, or returns undefined. */
export function normalizeMethod(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const method = value.toUpperCase();
  return METHOD.test(method) ? method : undefined;
}

/** Keeps the path and query of a path or absolute URL; undefined when it is not one. */
export function normalizePath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (value.startsWith('/')) return value;
  if (/^https?:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      return `${url.pathname}${url.search}`;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
