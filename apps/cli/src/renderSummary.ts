import type { Report } from '@bg-replay/core';
import {
  coverageNotes,
  criticalText,
  describeCauses,
  routeStatus,
  safetyText,
  sideBySide,
  topDifferences,
} from '@bg-replay/core/internal';
import { sanitizeForTerminal as clean } from './sanitizeForTerminal.js';

const pct = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`;
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(1));

function table(rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => {
          const pad = (widths[i] ?? 0) - [...cell].length;
          return rightAligned.has(i)
            ? ' '.repeat(Math.max(0, pad)) + cell
            : cell + ' '.repeat(Math.max(0, pad));
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width
    ? `${chars.slice(0, Math.max(1, width - 1)).join('')}…`
    : text + ' '.repeat(width - chars.length);
}

/** One sample as two columns, live | candidate, differing lines marked `~`. */
function sideBySideText(live: unknown, candidate: unknown, columns: number): string[] {
  const half = Math.max(20, Math.floor((columns - 12) / 2));
  const rows = sideBySide(live, candidate).slice(0, 16);
  const lines = [`      ${cut('live', half)} │ candidate`];
  for (const row of rows) {
    lines.push(
      `    ${row.same ? ' ' : '~'} ${cut(clean(row.live ?? ''), half)} │ ${clean(row.candidate ?? '').slice(0, half)}`.trimEnd(),
    );
  }
  return lines;
}

/**
 * The end-of-run summary printed by `replay`, `report` and `merge`: counts, coverage (the replayable share
 * against the minimum, top malformed cause, sources without query strings, catch-all share), what the safety
 * stage took out of the requests (when anything), the per-route table with the
 * lower bound of each rate, the top differing pointers with one side-by-side sample, latency, and the
 * verdict with its reasons.
 */
export function renderSummary(
  report: Report,
  options: { topFields?: number; columns?: number | undefined } = {},
): string {
  const columns = Math.min(160, Math.max(60, options.columns ?? 100));
  const { counts } = report;
  // An interrupted or stopped run replayed fewer records than it sampled.
  const replayed = report.routes.reduce((sum, r) => sum + r.total, 0);
  const out: string[] = [];
  if (report.limits?.bodies === 'none') out.push('response values left out (--report-bodies none)');
  out.push(
    `read ${counts.read} lines: ${counts.skipped.malformed} malformed, ${counts.skipped.unsafeMethod} unsafe method, ${counts.skipped.filtered} filtered; replayed ${replayed}${replayed < counts.sampled ? ` of ${counts.sampled} sampled` : ''}${report.mergedFrom ? ` (merged from ${report.mergedFrom} shards)` : ''}`,
  );
  if (report.coverage) {
    const notes = coverageNotes(report.coverage);
    out.push(clean(`coverage: ${notes.share}`));
    if (notes.details.length > 0) out.push(`  ${clean(notes.details.join('; '))}`);
  }
  const safety = safetyText(report.safety);
  if (safety) out.push(`safety: ${clean(safety)}`);
  out.push('');
  const rows = [['route', 'seen', 'replayed', 'matched', 'rate', 'lower', 'critical', 'verdict']];
  for (const r of report.routes) {
    rows.push([
      clean(r.route),
      String(r.seen),
      String(r.total),
      `${r.matched}/${r.compared}`,
      pct(r.matchRate),
      pct(r.matchRateLowerBound),
      criticalText(r),
      routeStatus(r, report.reasons),
    ]);
  }
  out.push(table(rows, new Set([1, 2, 3, 4, 5, 6])));
  if (report.routes.some((r) => criticalText(r) !== '–'))
    out.push('(critical: records with a candidate 5xx, a transport error or a breaking change [values])');
  // Why requests failed, per side, so a down candidate reads `candidate: connection refused ×50`.
  for (const side of ['candidate', 'live'] as const) {
    const codes: Record<string, number> = {};
    for (const r of report.routes)
      for (const [code, n] of Object.entries(r.errorCodes?.[side] ?? {}))
        codes[code] = (codes[code] ?? 0) + (n ?? 0);
    const causes = describeCauses(codes);
    if (causes) out.push(`${side}: ${clean(causes)}`);
  }
  const top = topDifferences(report.fields, options.topFields ?? 5);
  if (top.length > 0) {
    out.push('');
    out.push('top differences:');
    for (const [i, f] of top.entries()) {
      const distinct = f.samples.length > 1 ? `, ${f.samples.length} distinct samples` : '';
      out.push(`  ${clean(f.route)}  ${clean(f.pointer || '(body)')}  ${f.kind} ×${f.count}${distinct}`);
      const s = f.samples[0];
      if (!s) continue;
      out.push(`    e.g. ${clean(`${s.method} ${s.path}`)}`);
      // The first pointer gets a full side-by-side sample; the rest one line each, to stay short.
      if (i === 0) out.push(...sideBySideText(s.live, s.candidate, columns));
      else
        out.push(
          `      live ${clean(JSON.stringify(s.live) ?? '(absent)').slice(0, 50)}  candidate ${clean(JSON.stringify(s.candidate) ?? '(absent)').slice(0, 50)}`,
        );
    }
  }
  const hidden = Object.entries(report.rules.hits).filter(([, n]) => n > 0);
  if (hidden.length > 0)
    out.push('', `rule hits: ${hidden.map(([id, n]) => `${clean(id)} ${n}`).join(', ')}`);
  if (report.rules.unused.length > 0)
    out.push(`rules that matched nothing: ${report.rules.unused.map(clean).join(', ')}`);
  type SideVersion = { version?: string; error?: string };
  const versions = report.versions as
    | { live?: SideVersion; candidate?: SideVersion; relation?: string }
    | undefined;
  if (versions?.live || versions?.candidate) {
    const side = (v: SideVersion | undefined) =>
      clean(v?.version ?? (v?.error ? `unknown (${v.error})` : '?'));
    out.push(
      `versions: live ${side(versions.live)}, candidate ${side(versions.candidate)} (${clean(versions.relation ?? 'unknown')}${versions.relation === 'unknown' ? ': no semver policy applies' : ''})`,
    );
  }
  // What the semver policy and the noise probe hid, summed over every pointer.
  const hiddenBy = new Map<string, number>();
  for (const field of report.fields) {
    for (const [by, n] of Object.entries(field.hidden)) {
      if (!by.startsWith('rule:')) hiddenBy.set(by, (hiddenBy.get(by) ?? 0) + n);
    }
  }
  if (hiddenBy.size > 0) {
    out.push(`also hidden: ${[...hiddenBy].map(([by, n]) => `${clean(by)} ${n}`).join(', ')}`);
  }
  const limits = report.limits;
  if (limits && limits.droppedFields > 0) {
    out.push(
      `report limit: ${limits.droppedFields} pointer row(s) holding ${limits.droppedDifferences} difference(s) left out (at most ${limits.maxFieldsPerRoute} per route${limits.maxFields ? `, ${limits.maxFields} in all` : ''})`,
    );
  }
  if (limits && limits.collapsed.length > 0) {
    const shown = limits.collapsed.slice(0, 3).map((c) => `${clean(c.route)} ${clean(c.pointer || '/')}`);
    out.push(
      `keys counted together as * (more than ${limits.maxPointerKeys} distinct keys differed): ${shown.join(', ')}${limits.collapsed.length > 3 ? ` and ${limits.collapsed.length - 3} more` : ''}`,
    );
  }
  const { live, candidate } = report.latency;
  if (live.p50 !== null && candidate.p50 !== null) {
    out.push(
      `latency p50/p95: live ${ms(live.p50)}/${ms(live.p95)} ms, candidate ${ms(candidate.p50)}/${ms(candidate.p95)} ms`,
    );
  }
  for (const check of report.latencyChecks ?? []) {
    out.push(
      `  ${check.ok ? 'ok  ' : 'OVER'} ${clean(String(check.quantile))} candidate/live ${check.ratio === null ? '–' : `${Number(check.ratio).toFixed(2)}×`} (budget ${clean(String(check.budget))}×)`,
    );
  }
  if ((report.attempts?.length ?? 0) > 1) {
    out.push('', 'attempts:');
    for (const a of report.attempts ?? [])
      out.push(
        `  #${a.attempt} ${clean(a.startedAt)} ${a.verdict} (match rate ${pct(a.matchRate)}, lower bound ${pct(a.matchRateLowerBound)})`,
      );
  }
  out.push('');
  out.push(
    `verdict: ${report.verdict.toUpperCase()}  (match rate ${pct(report.matchRate)}, lower bound ${pct(report.matchRateLowerBound)} at ${pct(report.confidence ?? 0.95)} confidence, threshold ${pct(report.threshold)})`,
  );
  // Routes that lack the evidence to be judged alone are summed up in one line: they do not decide the run.
  const shortRoutes = report.reasons.filter((r) => r.code === 'low-confidence' && r.route);
  for (const reason of report.reasons) {
    if (!shortRoutes.includes(reason)) out.push(`  - ${clean(reason.message)}`);
  }
  if (shortRoutes.length > 0) {
    out.push(
      `  - ${shortRoutes.length} route(s) match but are too small to reach ${(report.threshold * 100).toFixed(1)}% at ${((report.confidence ?? 0.95) * 100).toFixed(0)}% confidence on their own (${shortRoutes.map((r) => clean(r.route ?? '')).join(', ')}); the run is judged on the overall lower bound`,
    );
  }
  return out.join('\n');
}
