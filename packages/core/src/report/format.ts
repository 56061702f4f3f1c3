/** Formatting shared by the renderers. */

import type {
  Coverage,
  FieldSummary,
  Reason,
  ReportLimits,
  RouteSummary,
  SafetySummary,
  StratumSummary,
} from './reportTypes.js';

export const percent = (rate: number | null | undefined, digits = 1): string =>
  rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(digits)}%`;

export const millis = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '–' : `${ms.toFixed(1)} ms`;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** Escapes text for XML 1.0: markup characters, and characters XML cannot carry at all are dropped. */
export function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
      .replace(
        /[&<>"']/g,
        (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string,
      )
  );
}

// Line breaks of every kind (CommonMark ends a line at CR and LF; renderers and editors also break at
// NEL, LS, PS), other control characters, and NUL (CommonMark turns it into U+FFFD).
const BREAKS_AND_CONTROLS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to neutralise
  /\r\n|[\r\n\u0085\u2028\u2029]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to drop
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** One line of text with no control characters: line breaks become spaces, other controls are dropped. */
export function flattenLine(text: string): string {
  return text.replace(BREAKS_AND_CONTROLS, (c) => (/^[\r\n\u0085\u2028\u2029]/.test(c) ? ' ' : ''));
}

// What GitHub's extended autolinks turn into links: a scheme with `//`, `www.`, and e-mail addresses
// (also `mailto:`/`xmpp:`). Such parts are put in code spans, where no link is ever made.
const LINK_LIKE = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S*|\S*[\w.+-]@[\w-]+(?:\.[\w-]+)+\S*/gi;

function escapeMarkdownText(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|~>:=]/g, (c) => `\\${c}`)
    .replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'));
}

/**
 * Escapes text for GitHub-flavoured Markdown prose and table cells: one line (CR, LF, NEL, U+2028/9 become
 * spaces), markup characters backslash-escaped, `<` and `&` as entities, and anything an autolink would
 * catch (URLs, `www.`, e-mail addresses) in a code span, so content can never become a link, an image or
 * HTML, nor end a table row.
 *
 * @example
 * escapeMarkdown('[x](https://e.example) | <b>') // '\\[x\\]\\(`https://e.example)`... '
 */
export function escapeMarkdown(text: string): string {
  const flat = flattenLine(text);
  let out = '';
  let last = 0;
  for (const match of flat.matchAll(LINK_LIKE)) {
    out += escapeMarkdownText(flat.slice(last, match.index)) + markdownCode(match[0]);
    last = match.index + match[0].length;
  }
  return out + escapeMarkdownText(flat.slice(last));
}

/**
 * A Markdown code span that holds any text, safe in a table cell: one line, the fence longer than any run
 * of backticks inside, pipes escaped (GFM splits cells before it reads code spans).
 */
export function markdownCode(text: string): string {
  const flat = flattenLine(text).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.trim() === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * A fenced Markdown code block that holds any text: bare CRs and other line breaks become LF (so a line
 * can never leave the block), control characters are dropped, and the fence is longer than any run of
 * backticks or tildes inside.
 */
export function markdownFence(text: string, info = ''): string {
  const body = text.replace(/\r\n|[\r\u0085\u2028\u2029]/g, '\n').replace(CONTROLS, '');
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${body}\n${fence}`;
}

/** How a route row reads: `ok`, `low-confidence` (passes, too small to show the threshold alone), `fail`, `inconclusive`. */
export type RouteStatus = 'ok' | 'low-confidence' | 'fail' | 'inconclusive';

/**
 * The status a report shows for a route. Reports written before `lowConfidence` existed marked such routes
 * inconclusive with only a `low-confidence` reason; they read `low-confidence` too.
 *
 * @example
 * routeStatus(report.routes[0], report.reasons) // 'ok'
 */
export function routeStatus(
  route: Pick<RouteSummary, 'route' | 'verdict' | 'lowConfidence'>,
  reasons: readonly Reason[] = [],
): RouteStatus {
  if (route.verdict === 'fail') return 'fail';
  if (route.lowConfidence) return 'low-confidence';
  if (route.verdict === 'pass') return 'ok';
  const own = reasons.filter((r) => r.route === route.route);
  return own.length > 0 && own.every((r) => r.code === 'low-confidence') ? 'low-confidence' : 'inconclusive';
}

const KIND_RANK: Record<string, number> = { status: 0, type: 1, removed: 2, changed: 3, added: 4, header: 5 };

/**
 * The counted differences a summary lists first: status and body differences before header differences
 * (a header that differs on every record must not crowd out a body field that broke), then by count.
 *
 * @example
 * topDifferences(report.fields, 5)
 */
export function topDifferences(fields: readonly FieldSummary[], limit: number): FieldSummary[] {
  const isHeader = (f: FieldSummary) => (f.kind === 'header' || f.pointer.startsWith('/headers/') ? 1 : 0);
  return fields
    .filter((f) => f.count > 0)
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        isHeader(a.f) - isHeader(b.f) ||
        b.f.count - a.f.count ||
        (KIND_RANK[a.f.kind] ?? 9) - (KIND_RANK[b.f.kind] ?? 9) ||
        a.i - b.i,
    )
    .slice(0, limit)
    .map((entry) => entry.f);
}

/** Critical findings of a route as records, with values in brackets when they differ: `92 [2616 values]`. */
export function criticalText(route: Pick<RouteSummary, 'critical'>): string {
  const { candidate5xx, candidateErrors, breaking, records } = route.critical;
  const values = candidate5xx + candidateErrors + breaking;
  if (values === 0) return '–';
  if (records === undefined) return `[${values} values]`;
  return records === values ? String(records) : `${records} [${values} values]`;
}

/**
 * What the report left out, in words, or `''` when nothing was: rows over the cap, objects whose keys were
 * counted together, response values masked or dropped.
 *
 * @example
 * limitsText(report.limits) // 'response values redacted; 3 pointer row(s) holding 40 difference(s) left out …'
 */
export function limitsText(limits: ReportLimits | undefined): string {
  if (!limits) return '';
  const parts: string[] = [];
  if (limits.bodies !== 'full')
    parts.push(
      limits.bodies === 'none' ? 'response values left out' : 'secret-looking response values masked',
    );
  if (limits.droppedFields > 0)
    parts.push(
      `${limits.droppedFields} pointer row(s) holding ${limits.droppedDifferences} difference(s) left out (at most ${limits.maxFieldsPerRoute} per route${limits.maxFields ? `, ${limits.maxFields} in all` : ''})`,
    );
  if (limits.collapsed.length > 0)
    parts.push(
      `keys of ${limits.collapsed.length} object(s) counted together as * (more than ${limits.maxPointerKeys} distinct keys differed)`,
    );
  return parts.join('; ');
}

/** What a summary says of a run's coverage; plain text that each renderer escapes for its format. */
export interface CoverageNotes {
  /** The replayable share is below `minCoverage`: the run cannot pass. */
  low: boolean;
  /** `replayable 48.0% of safe lines (480/1000), below the minimum 90.0%` */
  share: string;
  /** Those that apply: the top malformed cause, sources without query strings, the catch-all share. */
  details: string[];
}

/**
 * The first `max` items shown and joined with commas, then how many more there are.
 *
 * @example
 * capped(['a', 'b', 'c'], 2, String) // 'a, b and 1 more'
 */
export function capped<T>(items: readonly T[], max: number, show: (item: T) => string): string {
  const shown = items
    .slice(0, max)
    .map((item) => show(item))
    .join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

const listed = (names: readonly string[], max: number) => capped(names, max, String);

/**
 * The coverage facts a short summary shows: the replayable share against `--min-coverage`, the top
 * malformed cause, the sources that carried no query string, and the share of catch-all routes.
 *
 * @example
 * coverageNotes(report.coverage).share // 'replayable 48.0% of safe lines (480/1000), below the minimum 90.0%'
 */
export function coverageNotes(coverage: Coverage): CoverageNotes {
  const low = coverage.ratio !== null && coverage.ratio < coverage.minCoverage;
  const share =
    coverage.ratio === null
      ? `no safe lines to judge (minimum ${percent(coverage.minCoverage)})`
      : `replayable ${percent(coverage.ratio)} of safe lines (${coverage.replayable}/${coverage.safeLines}), ${low ? 'below' : 'at least'} the minimum ${percent(coverage.minCoverage)}`;
  const details: string[] = [];
  const top = coverage.malformedCauses[0];
  if (top)
    details.push(
      `top malformed cause: ${top.reason} ×${top.count} (e.g. ${top.example.source}:${top.example.line})`,
    );
  const absent = coverage.sources.filter((s) => s.queryStrings === 'absent').map((s) => s.source);
  if (absent.length > 0) details.push(`no query strings in ${listed(absent, 3)}`);
  if (coverage.catchAll.records > 0)
    details.push(
      `catch-all routes: ${percent(coverage.catchAll.share)} of replayable records (${coverage.catchAll.records})`,
    );
  return { low, share, details };
}

/**
 * Strata to list, grouped by route: the `max` largest, each route's together, routes in the order of their
 * largest stratum; `more` counts those left out.
 *
 * @example
 * stratumGroups(report.coverage.strata, 20).more // 3
 */
export function stratumGroups(
  strata: readonly StratumSummary[],
  max: number,
): { rows: StratumSummary[]; more: number } {
  const largest = [...strata]
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s.seen - a.s.seen || a.i - b.i)
    .slice(0, max);
  const rank = new Map<string, number>();
  for (const { s } of largest) if (!rank.has(s.route)) rank.set(s.route, rank.size);
  const rows = largest
    .sort(
      (a, b) => (rank.get(a.s.route) ?? 0) - (rank.get(b.s.route) ?? 0) || b.s.seen - a.s.seen || a.i - b.i,
    )
    .map(({ s }) => s);
  return { rows, more: strata.length - rows.length };
}

/**
 * Non-zero counts by name, largest first, then by name.
 *
 * @example
 * countsByName({ expect: 1, connection: 2 }) // [['connection', 2], ['expect', 1]]
 */
export function countsByName(counts: Record<string, number>): Array<[string, number]> {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
}

const byCount = (counts: Record<string, number>) => countsByName(counts).map(([name, n]) => `${name} ×${n}`);

/**
 * The request-side safety counts in words, or `''` when the safety stage took nothing out: paths refused,
 * headers and parameters stripped or dropped (by name, largest first), credentials masked.
 *
 * @example
 * safetyText(report.safety) // '2 path(s) refused; stripped x-forwarded-host ×3, _method ×1; 1 credential(s) masked'
 */
export function safetyText(safety: SafetySummary | undefined): string {
  if (!safety) return '';
  const parts: string[] = [];
  if (safety.refusedPaths > 0) parts.push(`${safety.refusedPaths} path(s) refused`);
  const stripped = byCount(safety.stripped);
  if (stripped.length > 0) parts.push(`stripped ${listed(stripped, 10)}`);
  const dropped = byCount(safety.dropped);
  if (dropped.length > 0) parts.push(`dropped ${listed(dropped, 10)}`);
  if (safety.masked > 0) parts.push(`${safety.masked} credential(s) masked`);
  return parts.join('; ');
}
