import {
  capped,
  markdownCode as code,
  countsByName,
  coverageNotes,
  criticalText,
  escapeHtml,
  flattenLine,
  limitsText,
  markdownFence,
  escapeMarkdown as md,
  millis,
  percent,
  routeStatus,
  stratumGroups,
  topDifferences,
} from './format.js';
import type { Coverage, Report, SafetySummary } from './reportTypes.js';
import { sideBySide } from './sideBySide.js';

/** Options of `renderMarkdown`. */
export interface MarkdownOptions {
  /** Differing pointers listed (default 10). */
  topFields?: number;
  /** Strata listed under Coverage, the largest first (default 20; the JSON report keeps up to 200). */
  strata?: number;
}

/** Sources listed under Coverage; the rest are counted. */
const MAX_SOURCES = 10;
/** Learned parameters named under Coverage; the rest are counted. */
const MAX_LEARNED = 10;

const ICON = { pass: '✅', fail: '❌', inconclusive: '⚠️' } as const;
const STATUS_ICON = { ok: '✅', 'low-confidence': '☑️', fail: '❌', inconclusive: '⚠️' } as const;

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/**
 * Renders the report as GitHub-flavoured Markdown for a pull request comment or `$GITHUB_STEP_SUMMARY`:
 * the verdict and its reasons, the per-route table, the top differing pointers each with one sample as a
 * `diff` block (live `-`, candidate `+`), latency, rules and attempts. All text from the run is escaped.
 *
 * @example
 * await appendFile(process.env.GITHUB_STEP_SUMMARY, renderMarkdown(report));
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const out: string[] = [];
  out.push(`## ${ICON[report.verdict]} bg-replay: ${report.verdict.toUpperCase()}`);
  out.push('');
  out.push(
    `**Match rate ${percent(report.matchRate)}** (${report.counts.matched}/${report.counts.compared}; lower bound ${percent(report.matchRateLowerBound)} at ${percent(report.confidence ?? 0.95, 0)} confidence) against a threshold of ${percent(report.threshold)}, min ${report.minSamples} records per route. Live ${code(report.targets.live)}, candidate ${code(report.targets.candidate)}.`,
  );
  out.push('');
  for (const reason of report.reasons) out.push(`- ${md(reason.message)}`);
  out.push('');
  out.push(row(['Route', 'Seen', 'Replayed', 'Matched', 'Rate', 'Lower bound', 'Critical', 'Verdict']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
  for (const r of report.routes) {
    const status = routeStatus(r, report.reasons);
    out.push(
      row([
        code(r.route),
        String(r.seen),
        String(r.total),
        `${r.matched}/${r.compared}`,
        percent(r.matchRate),
        percent(r.matchRateLowerBound),
        md(criticalText(r)),
        `${STATUS_ICON[status]} ${status}`,
      ]),
    );
  }
  if (report.coverage) out.push('', ...coverageSection(report.coverage, options.strata ?? 20));
  if (report.safety) out.push('', ...safetySection(report.safety));
  const top = topDifferences(report.fields, options.topFields ?? 10);
  if (top.length > 0) {
    out.push('', '### Top differences', '');
    out.push(row(['Route', 'Pointer', 'Kind', 'Counted', 'Hidden']));
    out.push(row(['---', '---', '---', '---:', '---']));
    for (const f of top) {
      const hidden = Object.entries(f.hidden)
        .map(([by, n]) => `${by} ${n}`)
        .join(', ');
      out.push(row([code(f.route), code(f.pointer || '(body)'), f.kind, String(f.count), md(hidden) || '–']));
    }
    for (const f of top) {
      const s = f.samples[0];
      if (!s) continue;
      const lines = sideBySide(s.live, s.candidate).flatMap((r) =>
        r.same
          ? [`  ${r.live}`]
          : [
              ...(r.live !== null ? [`- ${r.live}`] : []),
              ...(r.candidate !== null ? [`+ ${r.candidate}`] : []),
            ],
      );
      out.push('');
      out.push(
        // Inside an HTML block Markdown is not parsed: the summary is HTML-escaped text on one line.
        `<details><summary>${escapeHtml(flattenLine(`${f.route} ${f.pointer || '(body)'} (${f.kind} ×${f.count}): ${s.method} ${s.path}`))}</summary>`,
      );
      out.push('');
      out.push(`Pointer ${code(s.pointer || '(body)')}; \`-\` live, \`+\` candidate:`);
      out.push('');
      out.push(markdownFence(lines.join('\n'), 'diff'));
      out.push('', '</details>');
    }
  }
  const { live, candidate } = report.latency;
  if (live.count > 0 || candidate.count > 0) {
    out.push('', '### Latency', '');
    out.push(row(['', 'p50', 'p95', 'p99', 'Requests']));
    out.push(row(['---', '---:', '---:', '---:', '---:']));
    out.push(row(['live', millis(live.p50), millis(live.p95), millis(live.p99), String(live.count)]));
    out.push(
      row([
        'candidate',
        millis(candidate.p50),
        millis(candidate.p95),
        millis(candidate.p99),
        String(candidate.count),
      ]),
    );
    for (const check of report.latencyChecks ?? []) {
      out.push(
        '',
        `- ${check.ok ? '✅' : '❌'} ${md(check.quantile)}: candidate/live ${check.ratio === null ? '–' : `${Number(check.ratio).toFixed(2)}×`} (budget ${md(String(check.budget))}×)`,
      );
    }
  }
  const hits = Object.entries(report.rules.hits);
  if (hits.length > 0) {
    out.push('', '### Rules', '');
    out.push(hits.map(([id, n]) => `${code(id)} hid ${Number(n)}`).join(' · '));
    if (report.rules.unused.length > 0)
      out.push('', `Matched nothing: ${report.rules.unused.map(code).join(', ')}`);
  }
  if ((report.attempts?.length ?? 0) > 1) {
    out.push('', '### Attempts', '');
    out.push(row(['#', 'Started', 'Verdict', 'Rate', 'Lower bound']));
    out.push(row(['---:', '---', '---', '---:', '---:']));
    for (const a of report.attempts ?? []) {
      out.push(
        row([
          String(a.attempt),
          md(a.startedAt),
          md(a.verdict),
          percent(a.matchRate),
          percent(a.matchRateLowerBound),
        ]),
      );
    }
  }
  const { counts } = report;
  const limits = limitsText(report.limits);
  if (limits) out.push('', `Report limits: ${md(limits)}.`);
  out.push(
    '',
    `<sub>Read ${counts.read} log lines (${counts.skipped.malformed} malformed, ${counts.skipped.unsafeMethod} unsafe methods, ${counts.skipped.filtered} filtered), replayed ${counts.sampled}${report.mergedFrom ? `, merged from ${report.mergedFrom} shards` : ''}; ${md(report.tool.name)} ${md(report.tool.version)}.</sub>`,
    '',
  );
  return out.join('\n');
}

/** The coverage section: the counts in one table, where routes came from, the top malformed causes, sources, and strata per route. */
function coverageSection(coverage: Coverage, maxStrata: number): string[] {
  const notes = coverageNotes(coverage);
  const out = ['### Coverage', ''];
  out.push(md(`Coverage: ${notes.share}`));
  out.push('');
  out.push(
    row([
      'Safe lines',
      'Replayable',
      'Share',
      'Minimum',
      'Malformed',
      'No concrete path',
      'Catch-all',
      'Other HAR hosts',
    ]),
  );
  out.push(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  out.push(
    row([
      String(coverage.safeLines),
      String(coverage.replayable),
      `${notes.low ? '⚠️ ' : ''}${percent(coverage.ratio)}`,
      percent(coverage.minCoverage),
      String(coverage.malformed),
      String(coverage.withoutConcretePath),
      `${coverage.catchAll.records} (${percent(coverage.catchAll.share)})`,
      String(coverage.otherHosts),
    ]),
  );
  const { templates, log, inferred } = coverage.routesFrom;
  const learned = coverage.learnedParameters;
  out.push(
    '',
    `Routes from: ${templates} templates, ${log} log route keys, ${inferred} inferred.${
      learned.length > 0 ? ` Learned parameters: ${capped(learned, MAX_LEARNED, code)}.` : ''
    }`,
  );
  if (coverage.malformedCauses.length > 0) {
    out.push('', 'Top malformed causes:', '');
    for (const cause of coverage.malformedCauses)
      out.push(
        `- ${md(cause.reason)} ×${cause.count} (e.g. ${code(`${cause.example.source}:${cause.example.line}`)})`,
      );
  }
  if (coverage.sources.length > 0) {
    const sources = coverage.sources.slice(0, MAX_SOURCES);
    out.push('', row(['Source', 'Records', 'With query', 'Query strings']));
    out.push(row(['---', '---:', '---:', '---']));
    for (const s of sources)
      out.push(
        row([
          code(s.source),
          String(s.records),
          String(s.withQuery),
          s.queryStrings === 'absent' ? '⚠️ absent' : md(s.queryStrings),
        ]),
      );
    if (coverage.sources.length > sources.length)
      out.push('', `${coverage.sources.length - sources.length} more source(s) in the JSON report.`);
  }
  if (coverage.strata.length > 0) {
    const { rows, more: left } = stratumGroups(coverage.strata, maxStrata);
    out.push('', `Strata per route (the ${rows.length} largest of ${coverage.strata.length}):`, '');
    out.push(row(['Route', 'Stratum', 'Seen', 'Sampled']));
    out.push(row(['---', '---', '---:', '---:']));
    for (const s of rows) out.push(row([code(s.route), code(s.stratum), String(s.seen), String(s.sampled)]));
    if (left > 0) out.push('', `${left} more stratum/strata in the JSON report.`);
  }
  return out;
}

/** What the safety stage took out of the requests, by name. */
function safetySection(safety: SafetySummary): string[] {
  const named = (counts: Record<string, number>) =>
    capped(countsByName(counts), 10, ([name, n]) => `${code(name)} ×${n}`) || '–';
  return [
    '### Request safety',
    '',
    row(['Paths refused', 'Stripped', 'Dropped', 'Credentials masked']),
    row(['---:', '---', '---', '---:']),
    row([String(safety.refusedPaths), named(safety.stripped), named(safety.dropped), String(safety.masked)]),
  ];
}
