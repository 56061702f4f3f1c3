import { createHash } from 'node:crypto';
import { bucketRange, type LatencySketch, quantile } from '../verdict/latencySketch.js';
import {
  capped,
  countsByName,
  coverageNotes,
  criticalText,
  escapeHtml as h,
  limitsText,
  millis,
  percent,
  routeStatus,
  stratumGroups,
  topDifferences,
} from './format.js';
import type { Coverage, FieldSummary, Report, RouteSummary, SafetySummary } from './reportTypes.js';
import { sideBySide } from './sideBySide.js';

/** Options of `renderHtml`. */
export interface HtmlOptions {
  /** Pointers whose samples are shown side by side (default 25). */
  topFields?: number;
  /** Routes that get their own latency chart (default 12). */
  routeCharts?: number;
  /** Strata listed under Coverage, the largest first (default 200, all a report keeps). */
  strata?: number;
}

/** Sources and learned parameters listed under Coverage; the rest are counted. */
const MAX_SOURCES = 100;
const MAX_LEARNED = 50;

const COLORS = { live: '#2563eb', candidate: '#ea580c' } as const;

const CSS = `
:root{--pass:#15803d;--fail:#b91c1c;--inc:#a16207;--bg:#fff;--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--del:#fee2e2;--ins:#dcfce7}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:24px;max-width:1200px;margin-inline:auto}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.verdict{display:inline-block;padding:4px 12px;border-radius:6px;color:#fff;font-weight:700;letter-spacing:.05em}
.verdict.pass{background:var(--pass)}.verdict.fail{background:var(--fail)}.verdict.inconclusive{background:var(--inc)}
.tag{font-size:12px;padding:1px 6px;border-radius:4px;color:#fff}.tag.pass,.tag.ok{background:var(--pass)}.tag.low-confidence{background:#4d7c0f}.tag.fail{background:var(--fail)}.tag.inconclusive{background:var(--inc)}
.muted{color:var(--muted)}code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f9fafb;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.sbs{table-layout:fixed}.sbs td{padding:0 8px;white-space:pre-wrap;word-break:break-all;font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.sbs tr.chg td.l{background:var(--del)}.sbs tr.chg td.r{background:var(--ins)}.sbs th{width:50%}
details{margin:8px 0;border:1px solid var(--line);border-radius:6px;padding:6px 10px}summary{cursor:pointer}
input[type=search]{padding:4px 8px;width:320px;border:1px solid var(--line);border-radius:4px}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{border:1px solid var(--line);border-radius:6px;padding:6px}
ul.reasons{margin:8px 0;padding-left:20px}
`;

// Filters table rows by the text typed above them; nothing here touches the network.
const SCRIPT = `
document.querySelectorAll('input[data-filter]').forEach(function(input){
  var table=document.getElementById(input.getAttribute('data-filter'));
  input.addEventListener('input',function(){
    var q=input.value.toLowerCase();
    table.querySelectorAll('tbody tr').forEach(function(tr){tr.style.display=tr.textContent.toLowerCase().indexOf(q)>=0?'':'none';});
  });
});
`;

// The page allows exactly this script, by its hash: no other inline script (an injected one included) runs.
const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`;
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src '${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

function tag(verdict: string): string {
  return `<span class="tag ${h(verdict)}">${h(verdict)}</span>`;
}

function routeTable(report: Report): string {
  const rows = report.routes.map((r: RouteSummary) => {
    const critical = [
      r.critical.candidate5xx ? `${r.critical.candidate5xx}× 5xx` : '',
      r.critical.candidateErrors ? `${r.critical.candidateErrors}× unreachable` : '',
      r.critical.breaking ? `${r.critical.breaking}× breaking value` : '',
    ].filter(Boolean);
    const records = criticalText(r);
    return `<tr><td><code>${h(r.route)}</code></td><td class="n">${r.seen}</td><td class="n">${r.total}</td><td class="n">${r.matched}/${r.compared}</td><td class="n">${percent(r.matchRate)}</td><td class="n">${percent(r.matchRateLowerBound)}</td><td>${h(records === '–' ? '–' : `${records} record(s): ${critical.join(', ')}`)}</td><td>${tag(routeStatus(r, report.reasons))}</td></tr>`;
  });
  return `<table id="routes"><thead><tr><th>Route</th><th class="n">Seen</th><th class="n">Replayed</th><th class="n">Matched</th><th class="n">Rate</th><th class="n">Lower bound</th><th>Critical</th><th>Verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function pointerTable(report: Report): string {
  const rows = report.fields.map((f: FieldSummary) => {
    const hidden = Object.entries(f.hidden)
      .map(([by, n]) => `${by} ${n}`)
      .join(', ');
    return `<tr><td><code>${h(f.route)}</code></td><td><code>${h(f.pointer || '(body)')}</code></td><td>${h(f.kind)}</td><td class="n">${f.count}</td><td>${h(hidden || '–')}</td><td class="n">${f.noise ?? 0}</td></tr>`;
  });
  return `<p><input type="search" placeholder="filter by route, pointer or kind" data-filter="pointers" aria-label="filter pointers"></p><table id="pointers"><thead><tr><th>Route</th><th>Pointer</th><th>Kind</th><th class="n">Counted</th><th>Hidden by</th><th class="n">Noise probe</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function sampleDiff(field: FieldSummary, index: number): string {
  const samples = field.samples
    .map((s) => {
      const rows = sideBySide(s.live, s.candidate)
        .map(
          (r) =>
            `<tr${r.same ? '' : ' class="chg"'}><td class="l">${h(r.live ?? '')}</td><td class="r">${h(r.candidate ?? '')}</td></tr>`,
        )
        .join('');
      return `<p><code>${h(`${s.method} ${s.path}`)}</code> at <code>${h(s.pointer || '(body)')}</code></p><table class="sbs diff-sample"><thead><tr><th>live</th><th>candidate</th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('');
  return `<details${index < 3 ? ' open' : ''}><summary><code>${h(field.route)}</code> <code>${h(field.pointer || '(body)')}</code> ${h(field.kind)} ×${field.count} <span class="muted">(${field.samples.length} sample${field.samples.length === 1 ? '' : 's'})</span></summary>${samples}</details>`;
}

/** The coverage section: counts, where routes came from, top malformed causes, sources, strata per route. */
function coverageSection(coverage: Coverage, maxStrata: number): string {
  const notes = coverageNotes(coverage);
  const { templates, log, inferred } = coverage.routesFrom;
  const learned = coverage.learnedParameters;
  const causes = coverage.malformedCauses
    .map(
      (c) =>
        `<li>${h(c.reason)} ×${c.count} (e.g. <code>${h(`${c.example.source}:${c.example.line}`)}</code>)</li>`,
    )
    .join('');
  const sources = coverage.sources
    .slice(0, MAX_SOURCES)
    .map(
      (s) =>
        `<tr><td><code>${h(s.source)}</code></td><td class="n">${s.records}</td><td class="n">${s.withQuery}</td><td>${s.queryStrings === 'absent' ? '<span class="tag inconclusive">absent</span>' : h(s.queryStrings)}</td></tr>`,
    )
    .join('');
  const { rows, more } = stratumGroups(coverage.strata, maxStrata);
  const strata = rows
    .map(
      (s) =>
        `<tr><td><code>${h(s.route)}</code></td><td><code>${h(s.stratum)}</code></td><td class="n">${s.seen}</td><td class="n">${s.sampled}</td></tr>`,
    )
    .join('');
  return [
    `<p id="coverage-share">${notes.low ? `${tag('inconclusive')} ` : ''}${h(`Coverage: ${notes.share}`)}</p>`,
    `<table id="coverage"><thead><tr><th class="n">Safe lines</th><th class="n">Replayable</th><th class="n">Share</th><th class="n">Minimum</th><th class="n">Malformed</th><th class="n">No concrete path</th><th class="n">Catch-all</th><th class="n">Other HAR hosts</th></tr></thead><tbody><tr><td class="n">${coverage.safeLines}</td><td class="n">${coverage.replayable}</td><td class="n">${percent(coverage.ratio)}</td><td class="n">${percent(coverage.minCoverage)}</td><td class="n">${coverage.malformed}</td><td class="n">${coverage.withoutConcretePath}</td><td class="n">${coverage.catchAll.records} (${percent(coverage.catchAll.share)})</td><td class="n">${coverage.otherHosts}</td></tr></tbody></table>`,
    `<p>Routes from: ${templates} templates, ${log} log route keys, ${inferred} inferred.${learned.length > 0 ? ` Learned parameters: ${capped(learned, MAX_LEARNED, (p) => `<code>${h(p)}</code>`)}.` : ''}</p>`,
    causes ? `<p>Top malformed causes:</p><ul id="malformed-causes">${causes}</ul>` : '',
    sources
      ? `<table id="sources"><thead><tr><th>Source</th><th class="n">Records</th><th class="n">With query</th><th>Query strings</th></tr></thead><tbody>${sources}</tbody></table>${coverage.sources.length > MAX_SOURCES ? `<p class="muted">${coverage.sources.length - MAX_SOURCES} more source(s) in the JSON report</p>` : ''}`
      : '',
    strata
      ? `<h3>Strata per route</h3><p class="muted">the ${rows.length} largest of ${coverage.strata.length}${more > 0 ? `; ${more} more in the JSON report` : ''}</p><p><input type="search" placeholder="filter by route or stratum" data-filter="strata" aria-label="filter strata"></p><table id="strata"><thead><tr><th>Route</th><th>Stratum</th><th class="n">Seen</th><th class="n">Sampled</th></tr></thead><tbody>${strata}</tbody></table>`
      : '',
  ].join('\n');
}

/** What the safety stage took out of the requests, by name. */
function safetySection(safety: SafetySummary): string {
  const named = (counts: Record<string, number>) =>
    capped(countsByName(counts), 20, ([name, n]) => `<code>${h(name)}</code> ×${n}`) || '–';
  return `<table id="safety"><thead><tr><th class="n">Paths refused</th><th>Stripped</th><th>Dropped</th><th class="n">Credentials masked</th></tr></thead><tbody><tr><td class="n">${safety.refusedPaths}</td><td>${named(safety.stripped)}</td><td>${named(safety.dropped)}</td><td class="n">${safety.masked}</td></tr></tbody></table>`;
}

/** An SVG histogram of two latency sketches on a logarithmic axis, with p50 and p95 marked. */
export function latencyChart(
  title: string,
  sketches: { live: LatencySketch; candidate: LatencySketch },
  width = 560,
  height = 200,
): string {
  const sides = ['live', 'candidate'] as const;
  const entries = sides.flatMap((side) =>
    Object.entries(sketches[side].buckets).map(([key, count]) => {
      const [lower, upper] = bucketRange(Number(key));
      return {
        side,
        mid: Math.sqrt(Math.max(lower, 1e-3) * upper),
        lower: Math.max(lower, 1e-3),
        upper,
        count,
      };
    }),
  );
  if (entries.length === 0)
    return `<div class="chart"><strong>${h(title)}</strong><p class="muted">no latency measured</p></div>`;
  let lo = Math.log10(Math.min(...entries.map((e) => e.lower)));
  let hi = Math.log10(Math.max(...entries.map((e) => e.upper)));
  if (hi - lo < 0.3) {
    const centre = (hi + lo) / 2;
    lo = centre - 0.15;
    hi = centre + 0.15;
  }
  const bins = 40;
  const margin = { left: 40, right: 10, top: 24, bottom: 34 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const share = { live: new Array<number>(bins).fill(0), candidate: new Array<number>(bins).fill(0) };
  for (const e of entries) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(((Math.log10(e.mid) - lo) / (hi - lo)) * bins)));
    share[e.side][bin] = (share[e.side][bin] ?? 0) + e.count / Math.max(1, sketches[e.side].count);
  }
  const top = Math.max(...share.live, ...share.candidate, 1e-9);
  const xOf = (ms: number) => margin.left + ((Math.log10(ms) - lo) / (hi - lo)) * plotW;
  const binW = plotW / bins;
  const bars = sides
    .flatMap((side, s) =>
      share[side].map((v, i) => {
        if (v <= 0) return '';
        const barH = (v / top) * plotH;
        const x = margin.left + i * binW + (s * binW) / 2;
        return `<rect x="${x.toFixed(1)}" y="${(margin.top + plotH - barH).toFixed(1)}" width="${(binW / 2).toFixed(1)}" height="${barH.toFixed(1)}" fill="${COLORS[side]}" fill-opacity="0.8"><title>${side}: ${(v * 100).toFixed(1)}% of requests</title></rect>`;
      }),
    )
    .join('');
  const markers = sides
    .flatMap((side) =>
      (
        [
          ['p50', 0.5],
          ['p95', 0.95],
        ] as const
      ).map(([label, q]) => {
        const value = quantile(sketches[side], q);
        if (value === null || value <= 0) return '';
        const x = Math.min(width - margin.right, Math.max(margin.left, xOf(value))).toFixed(1);
        return `<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="${COLORS[side]}" stroke-dasharray="${label === 'p50' ? '4 3' : '1 3'}"><title>${side} ${label} ${millis(value)}</title></line>`;
      }),
    )
    .join('');
  // Ticks at 1-2-5 steps of each decade in range; all nine steps when the range is narrow.
  const steps = (multipliers: number[]) => {
    const out: number[] = [];
    for (let d = Math.floor(lo); d <= Math.ceil(hi); d += 1) {
      for (const m of multipliers) {
        const v = m * 10 ** d;
        if (Math.log10(v) >= lo && Math.log10(v) <= hi) out.push(v);
      }
    }
    return out;
  };
  let tickValues = steps([1, 2, 5]);
  if (tickValues.length < 3) tickValues = steps([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const ticks = tickValues.map((ms) => {
    const x = xOf(ms).toFixed(1);
    const label = ms >= 1000 ? `${Number((ms / 1000).toPrecision(2))} s` : `${Number(ms.toPrecision(2))} ms`;
    return `<line x1="${x}" x2="${x}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 4}" stroke="#6b7280"/><text x="${x}" y="${margin.top + plotH + 16}" font-size="10" text-anchor="middle" fill="#6b7280">${h(label)}</text>`;
  });
  const legend = sides
    .map((side, i) => {
      const p50 = quantile(sketches[side], 0.5);
      const p95 = quantile(sketches[side], 0.95);
      const x = margin.left + i * 230;
      return `<rect x="${x}" y="6" width="10" height="10" fill="${COLORS[side]}"/><text x="${x + 14}" y="15" font-size="11" fill="#111827">${side}: p50 ${h(millis(p50))}, p95 ${h(millis(p95))} (n=${sketches[side].count})</text>`;
    })
    .join('');
  return `<div class="chart"><strong>${h(title)}</strong><br><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${h(`latency distribution: ${title}`)}"><title>${h(`latency distribution: ${title}`)}</title>${legend}<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="#9ca3af"/>${bars}${markers}${ticks.join('')}<text x="${margin.left + plotW / 2}" y="${height - 4}" font-size="10" text-anchor="middle" fill="#6b7280">latency (log scale); dashed: p50, dotted: p95</text></svg></div>`;
}

/**
 * Renders the report as one self-contained HTML file (inline CSS, JS and SVG; a Content-Security-Policy
 * forbids any network access and runs no script but the page's own, allowed by its SHA-256 hash): the verdict and reasons, the per-route table, per-pointer counts,
 * side-by-side diffs of the samples, latency distributions as charts, rules and attempts. Every piece of
 * text from the run is HTML-escaped.
 *
 * @example
 * await writeFile('report.html', renderHtml(report));
 */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const top = topDifferences(
    report.fields.filter((f) => f.samples.length > 0),
    options.topFields ?? 25,
  );
  const { counts } = report;
  const reasons = report.reasons.map((r) => `<li>${h(r.message)}</li>`).join('');
  const routeCharts = report.routes
    .filter((r) => r.sketches && (r.sketches.live.count > 0 || r.sketches.candidate.count > 0))
    .slice(0, options.routeCharts ?? 12)
    .map((r) =>
      latencyChart(r.route, r.sketches as { live: LatencySketch; candidate: LatencySketch }, 380, 170),
    )
    .join('');
  const latencyRows = (['live', 'candidate'] as const)
    .map((side) => {
      const q = report.latency[side];
      return `<tr><td>${side}</td><td class="n">${millis(q.p50)}</td><td class="n">${millis(q.p95)}</td><td class="n">${millis(q.p99)}</td><td class="n">${q.count}</td></tr>`;
    })
    .join('');
  const checks = (report.latencyChecks ?? [])
    .map(
      (c) =>
        `<li>${tag(c.ok ? 'pass' : 'fail')} ${h(c.quantile)}: candidate/live ${c.ratio === null ? '–' : `${h(Number(c.ratio).toFixed(2))}×`}, budget ${h(String(c.budget))}×</li>`,
    )
    .join('');
  const rules = Object.entries(report.rules.hits)
    .map(([id, n]) => `<tr><td><code>${h(id)}</code></td><td class="n">${h(String(n))}</td></tr>`)
    .join('');
  const attempts = (report.attempts && report.attempts.length > 1 ? report.attempts : [])
    .map(
      (a) =>
        `<tr><td class="n">${a.attempt}</td><td>${h(a.startedAt)}</td><td class="n">${(a.durationMs / 1000).toFixed(1)} s</td><td>${tag(a.verdict)}</td><td class="n">${percent(a.matchRate)}</td><td class="n">${percent(a.matchRateLowerBound)}</td></tr>`,
    )
    .join('');
  const title = `bg-replay: ${report.verdict.toUpperCase()}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>bg-replay <span id="verdict" class="verdict ${h(report.verdict)}">${h(report.verdict.toUpperCase())}</span></h1>
<p>Match rate <strong>${percent(report.matchRate)}</strong> (${counts.matched}/${counts.compared}), lower bound <strong>${percent(report.matchRateLowerBound)}</strong> at ${percent(report.confidence ?? 0.95, 0)} confidence, threshold ${percent(report.threshold)}, at least ${report.minSamples} records per route.</p>
<p class="muted">live <code>${h(report.targets.live)}</code> · candidate <code>${h(report.targets.candidate)}</code> · started ${h(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s${report.mergedFrom ? ` · merged from ${report.mergedFrom} shards` : ''}</p>
<ul class="reasons" id="reasons">${reasons}</ul>
</header>
<main>
<h2>Routes</h2>
${routeTable(report)}
${report.coverage ? `<h2>Coverage</h2>\n${coverageSection(report.coverage, options.strata ?? 200)}` : ''}
${report.safety ? `<h2>Request safety</h2>\n${safetySection(report.safety)}` : ''}
<h2>Differences by pointer</h2>
${report.fields.length > 0 ? pointerTable(report) : '<p class="muted">no differences</p>'}
<h2>Samples, side by side</h2>
${top.length > 0 ? top.map(sampleDiff).join('') : '<p class="muted">no counted difference, so no sample</p>'}
<h2>Latency</h2>
<table><thead><tr><th></th><th class="n">p50</th><th class="n">p95</th><th class="n">p99</th><th class="n">Requests</th></tr></thead><tbody>${latencyRows}</tbody></table>
${checks ? `<ul>${checks}</ul>` : ''}
<div class="charts">${latencyChart('all routes', report.sketches)}${routeCharts}</div>
${rules ? `<h2>Rules</h2><table><thead><tr><th>Rule</th><th class="n">Differences hidden</th></tr></thead><tbody>${rules}</tbody></table>${report.rules.unused.length > 0 ? `<p>Matched nothing: ${report.rules.unused.map((id) => `<code>${h(id)}</code>`).join(', ')}</p>` : ''}` : ''}
${attempts ? `<h2>Attempts</h2><table><thead><tr><th class="n">#</th><th>Started</th><th class="n">Took</th><th>Verdict</th><th class="n">Rate</th><th class="n">Lower bound</th></tr></thead><tbody>${attempts}</tbody></table>` : ''}
<h2>Counts</h2>
<p>Read ${counts.read} log lines: ${counts.skipped.malformed} malformed, ${counts.skipped.unsafeMethod} unsafe methods, ${counts.skipped.filtered} filtered. Replayed ${counts.sampled}; compared ${counts.compared}; live errors ${counts.errors.live}, candidate errors ${counts.errors.candidate}.</p>
${limitsText(report.limits) ? `<p id="limits">Report limits: ${h(limitsText(report.limits))}.</p>` : ''}
${report.malformed.length > 0 ? `<ul>${report.malformed.map((m) => `<li><code>${h(`${m.source}:${m.line}`)}</code> ${h(m.reason)}</li>`).join('')}</ul>` : ''}
</main>
<footer class="muted"><p>${h(report.tool.name)} ${h(report.tool.version)}, report schema ${report.schemaVersion}</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
