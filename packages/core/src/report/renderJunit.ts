import { coverageNotes, percent, safetyText, topDifferences, escapeXml as x } from './format.js';
import type { FieldSummary, Report, RouteSummary } from './reportTypes.js';

/** Options of `renderJunit`. */
export interface JunitOptions {
  /** Report inconclusive routes as skipped rather than failed (mirrors `--allow-inconclusive`). */
  allowInconclusive?: boolean;
  /** Differences listed in a failing test case (default 5). */
  topDifferences?: number;
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);
const short = (value: unknown) => {
  const text = value === undefined ? '(absent)' : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
};

function differencesOf(report: Report, route: string, top: number): string[] {
  return topDifferences(
    report.fields.filter((f: FieldSummary) => f.route === route),
    top,
  ).flatMap((f) => {
    const lines = [`  ${f.pointer || '(body)'}  ${f.kind} ×${f.count}`];
    const s = f.samples[0];
    if (s)
      lines.push(`      e.g. ${s.method} ${s.path}: live ${short(s.live)}  candidate ${short(s.candidate)}`);
    return lines;
  });
}

function routeCase(
  report: Report,
  route: RouteSummary,
  options: JunitOptions,
): { xml: string; failed: boolean; skipped: boolean } {
  const reasons = report.reasons.filter((r) => r.route === route.route);
  const summary = `${route.matched}/${route.compared} matched (${percent(route.matchRate)}, lower bound ${percent(route.matchRateLowerBound)}), threshold ${percent(report.threshold)}`;
  const open = `    <testcase name="${x(route.route)}" classname="bg-replay.routes">`;
  // A route too small to show the threshold on its own does not block the run (it is judged on the overall
  // bound), so it is no failure either: it passes with the shortfall noted.
  // When the run as a whole lacks the evidence, such routes are why, and they stay failures.
  const runShort = report.reasons.some((r) => r.code === 'low-confidence' && r.route === undefined);
  // Reports before `lowConfidence` existed marked such routes inconclusive with only that reason.
  const shortOnly =
    route.lowConfidence === true ||
    (route.verdict === 'inconclusive' &&
      reasons.length > 0 &&
      reasons.every((r) => r.code === 'low-confidence'));
  const verdict = shortOnly && runShort ? 'inconclusive' : route.verdict;
  if (verdict === 'pass' || (shortOnly && !runShort)) {
    const note = shortOnly ? `${summary}\n${reasons.map((r) => r.message).join('\n')}` : summary;
    return {
      xml: `${open}\n      <system-out>${x(note)}</system-out>\n    </testcase>`,
      failed: false,
      skipped: false,
    };
  }
  const message = reasons.map((r) => r.message).join('; ') || `${route.route}: ${verdict}`;
  const body = [summary, ...reasons.map((r) => `- ${r.message}`)];
  const differences = differencesOf(report, route.route, options.topDifferences ?? 5);
  if (differences.length > 0) body.push('top differences:', ...differences);
  if (verdict === 'inconclusive' && options.allowInconclusive) {
    return {
      xml: `${open}\n      <skipped message="${x(message)}"/>\n    </testcase>`,
      failed: false,
      skipped: true,
    };
  }
  const type = verdict === 'inconclusive' ? 'inconclusive' : (reasons[0]?.code ?? 'fail');
  return {
    xml: `${open}\n      <failure type="${x(type)}" message="${x(message)}">${x(body.join('\n'))}</failure>\n    </testcase>`,
    failed: true,
    skipped: false,
  };
}

/**
 * The `coverage` test case: it fails (or is skipped with `allowInconclusive`) when the replayable share of
 * safe lines is below `minCoverage`, since such a run cannot pass; otherwise it passes with the facts noted.
 */
function coverageCase(
  report: Report,
  options: JunitOptions,
): { xml: string; failed: boolean; skipped: boolean } {
  const coverage = report.coverage as NonNullable<Report['coverage']>;
  const notes = coverageNotes(coverage);
  const open = '    <testcase name="coverage" classname="bg-replay.run">';
  const coverageReasons = report.reasons.filter(
    (r) => r.code === 'low-coverage' || r.code === 'no-query-strings',
  );
  const body = [notes.share, ...notes.details, ...coverageReasons.map((r) => `- ${r.message}`)].join('\n');
  if (!notes.low)
    return {
      xml: `${open}\n      <system-out>${x(body)}</system-out>\n    </testcase>`,
      failed: false,
      skipped: false,
    };
  const message = report.reasons.find((r) => r.code === 'low-coverage')?.message ?? notes.share;
  if (options.allowInconclusive)
    return {
      xml: `${open}\n      <skipped message="${x(message)}"/>\n    </testcase>`,
      failed: false,
      skipped: true,
    };
  return {
    xml: `${open}\n      <failure type="low-coverage" message="${x(message)}">${x(body)}</failure>\n    </testcase>`,
    failed: true,
    skipped: false,
  };
}

/**
 * Renders the report as JUnit XML, the format CI systems read (Jenkins' junit-10 schema): one test case
 * per route, whose failure carries the reasons and the top differing pointers with a sample, plus one
 * `verdict` test case for the run as a whole (overall rate, latency budget, no evidence) and, when the report
 * has a coverage section, a `coverage` test case that fails below `--min-coverage`.
 *
 * @example
 * await writeFile('junit.xml', renderJunit(report));
 */
export function renderJunit(report: Report, options: JunitOptions = {}): string {
  const cases = report.routes.map((route) => routeCase(report, route, options));
  const runReasons = report.reasons.filter((r) => r.route === undefined && r.code !== 'pass');
  const runSummary = `verdict ${report.verdict}: ${report.counts.matched}/${report.counts.compared} matched (${percent(report.matchRate)}, lower bound ${percent(report.matchRateLowerBound)}), threshold ${percent(report.threshold)}`;
  const failedRoutes = cases.filter((c) => c.failed || c.skipped).length;
  let runCase: { xml: string; failed: boolean; skipped: boolean };
  const open = `    <testcase name="verdict" classname="bg-replay.run" time="${seconds(report.durationMs)}">`;
  if (report.verdict === 'pass' || (report.verdict === 'inconclusive' && options.allowInconclusive)) {
    const skipped = report.verdict === 'inconclusive';
    runCase = {
      xml: skipped
        ? `${open}\n      <skipped message="${x(runSummary)}"/>\n    </testcase>`
        : `${open}\n      <system-out>${x(runSummary)}</system-out>\n    </testcase>`,
      failed: false,
      skipped,
    };
  } else {
    const lines = [runSummary, ...runReasons.map((r) => `- ${r.message}`)];
    if (failedRoutes > 0) lines.push(`- ${failedRoutes} route(s) did not pass (see their test cases)`);
    const message = runReasons.map((r) => r.message).join('; ') || `${failedRoutes} route(s) did not pass`;
    runCase = {
      xml: `${open}\n      <failure type="${x(report.verdict)}" message="${x(message)}">${x(lines.join('\n'))}</failure>\n    </testcase>`,
      failed: true,
      skipped: false,
    };
  }
  const all = [runCase, ...(report.coverage ? [coverageCase(report, options)] : []), ...cases];
  const failures = all.filter((c) => c.failed).length;
  const skipped = all.filter((c) => c.skipped).length;
  const name = `bg-replay ${report.targets.live} vs ${report.targets.candidate}`;
  const properties = [
    ['verdict', report.verdict],
    ['threshold', String(report.threshold)],
    ['confidence', String(report.confidence ?? 0.95)],
    ['minSamples', String(report.minSamples)],
    ['matchRate', String(report.matchRate)],
    ['matchRateLowerBound', String(report.matchRateLowerBound ?? null)],
    ['live', report.targets.live],
    ['candidate', report.targets.candidate],
    ['tool', `${report.tool.name} ${report.tool.version}`],
    ...(report.coverage
      ? [
          ['coverage', String(report.coverage.ratio)],
          ['minCoverage', String(report.coverage.minCoverage)],
        ]
      : []),
    ...(safetyText(report.safety) ? [['safety', safetyText(report.safety)]] : []),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bg-replay" tests="${all.length}" failures="${failures}" errors="0" time="${seconds(report.durationMs)}">`,
    `  <testsuite name="${x(name)}" tests="${all.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(report.durationMs)}" timestamp="${x(report.startedAt.replace(/\.\d+Z$/, ''))}">`,
    '    <properties>',
    ...properties.map(([k, v]) => `      <property name="${x(k ?? '')}" value="${x(v ?? '')}"/>`),
    '    </properties>',
    ...all.map((c) => c.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
