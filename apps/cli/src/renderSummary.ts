import type { Report } from '@bg-replay/core';

const pct = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

function short(value: unknown): string {
  const text = value === undefined ? '(absent)' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The end-of-run summary printed by `replay`: verdict, reasons, per-route table and top differences. */
export function renderSummary(report: Report, options: { topFields?: number } = {}): string {
  const { counts } = report;
  const out: string[] = [];
  out.push(
    `read ${counts.read} lines: ${counts.skipped.malformed} malformed, ${counts.skipped.unsafeMethod} unsafe method, ${counts.skipped.filtered} filtered; replayed ${counts.sampled}`,
  );
  out.push('');
  const rows = [['route', 'seen', 'replayed', 'matched', 'rate', 'verdict']];
  for (const r of report.routes) {
    rows.push([r.route, String(r.seen), String(r.total), `${r.matched}/${r.compared}`, pct(r.matchRate), r.verdict]);
  }
  out.push(table(rows));
  const top = report.fields.filter((f) => f.count > 0).slice(0, options.topFields ?? 5);
  if (top.length > 0) {
    out.push('');
    out.push('top differences:');
    for (const f of top) {
      out.push(`  ${f.route}  ${f.pointer || '(body)'}  ${f.kind} ×${f.count}`);
      const s = f.samples[0];
      if (s) out.push(`      ${s.method} ${s.path}: live ${short(s.live)}  candidate ${short(s.candidate)}`);
    }
  }
  const hidden = Object.entries(report.rules.hits).filter(([, n]) => n > 0);
  if (hidden.length > 0) out.push('', `rules: ${hidden.map(([id, n]) => `${id} hid ${n}`).join(', ')}`);
  if (report.rules.unused.length > 0) out.push(`rules that matched nothing: ${report.rules.unused.join(', ')}`);
  const { live, candidate } = report.latency;
  if (live.p50 !== null && candidate.p50 !== null) {
    out.push(
      `latency p50/p95: live ${live.p50.toFixed(1)}/${(live.p95 ?? 0).toFixed(1)} ms, candidate ${candidate.p50.toFixed(1)}/${(candidate.p95 ?? 0).toFixed(1)} ms`,
    );
  }
  out.push('');
  out.push(`verdict: ${report.verdict.toUpperCase()}  (match rate ${pct(report.matchRate)}, threshold ${pct(report.threshold)})`);
  for (const reason of report.reasons) out.push(`  - ${reason.message}`);
  return out.join('\n');
}
