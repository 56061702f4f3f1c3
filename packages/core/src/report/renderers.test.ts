import { describe, expect, it } from 'vitest';
import { HOSTILE_NAME, lowCoverage, SAFETY } from '../../test/report/sections.js';
import { counted, outcome, reportOf } from '../../test/verdict/outcomes.js';
import type { RecordOutcome } from '../verdict/aggregate.js';
import { escapeMarkdown, markdownCode } from './format.js';
import { renderHtml } from './renderHtml.js';
import { renderJunit } from './renderJunit.js';
import { renderMarkdown } from './renderMarkdown.js';
import { sideBySide } from './sideBySide.js';

const evil = 'GET /<script>alert(1)</script>|`x`';
function hostileReport() {
  const outcomes: RecordOutcome[] = [];
  for (let i = 0; i < 20; i += 1) {
    outcomes.push(
      outcome(evil, `/x?q=<img src=x onerror=alert(${i})>`, {
        differences:
          i < 4
            ? [counted(evil, '/a"b/<c>', 'changed', { html: '</pre><script>1</script>' }, { html: '&amp;' })]
            : [],
      }),
    );
  }
  for (let i = 0; i < 10; i += 1) outcome('GET /fine', '/fine');
  return reportOf(outcomes, { threshold: 0.95, minSamples: 5, confidence: 0.95 });
}

describe('route rows of a passing run', () => {
  it('read ok or low-confidence in every format, never inconclusive', () => {
    const outcomes = [
      ...Array.from({ length: 400 }, (_, i) => outcome('GET /orders/:id', `/orders/${i}`)),
      ...Array.from({ length: 10 }, (_, i) => outcome('GET /rare', `/rare/${i}`)),
    ];
    const report = reportOf(outcomes, { threshold: 0.99, minSamples: 5, confidence: 0.95 });
    expect(report.verdict).toBe('pass');
    expect(report.routes.map((r) => [r.route, r.verdict, r.lowConfidence ?? false])).toEqual([
      ['GET /orders/:id', 'pass', false],
      ['GET /rare', 'pass', true],
    ]);
    const markdown = renderMarkdown(report);
    expect(markdown).toMatch(/\| `GET \/rare` \|.*\| ☑️ low-confidence \|/);
    expect(markdown).toMatch(/\| `GET \/orders\/:id` \|.*\| ✅ ok \|/);
    expect(markdown).not.toContain('⚠️ inconclusive');
    const html = renderHtml(report);
    expect(html).toContain('<span class="tag low-confidence">low-confidence</span>');
    expect(html).not.toContain('tag inconclusive');
    expect(renderJunit(report)).not.toMatch(/<failure|<skipped/);
  });
});

describe('sideBySide', () => {
  it('puts equal lines on one row and differing lines opposite each other', () => {
    const rows = sideBySide(
      { id: 1, total: 12.5, note: 'a' },
      { id: 1, total: '12.5', note: 'a', extra: true },
    );
    expect(rows.filter((r) => r.same).map((r) => r.live)).toEqual(['{', '  "id": 1,', '}']);
    expect(rows.filter((r) => !r.same)).toContainEqual({
      live: '  "total": 12.5,',
      candidate: '  "total": "12.5",',
      same: false,
    });
    expect(sideBySide(undefined, 3)).toEqual([{ live: '(absent)', candidate: '3', same: false }]);
  });
});

describe('renderers escape every text of the run', () => {
  const report = hostileReport();

  it('HTML carries no markup from the run and no way to reach the network', () => {
    const html = renderHtml(report);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</pre><script>1');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).toContain('id="verdict" class="verdict fail"');
  });

  it('JUnit escapes names, messages and bodies', () => {
    const xml = renderJunit(report);
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('name="GET /&lt;script&gt;alert(1)&lt;/script&gt;|`x`"');
    expect(renderJunit({ ...report, targets: { live: 'a\u0001b', candidate: 'c' } })).toContain(
      'bg-replay ab vs c',
    );
  });

  it('Markdown neutralises markup and keeps table cells intact', () => {
    const text = renderMarkdown(report);
    // Inside code spans and fenced blocks text is shown literally; everywhere else no markup may survive.
    const prose = text
      .replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '')
      .replace(/(`+) [\s\S]*? \1|(`+)[^`]*?\2/g, '');
    expect(text).toContain('"html": "</pre><script>1</script>"');
    expect(prose).not.toMatch(/<(script|img|\/pre)/);
    const routeRows = text.split('\n').filter((l) => l.includes(' | 16/20 | '));
    expect(routeRows).toHaveLength(1);
    for (const line of routeRows) {
      // every route row has exactly 8 cells: no unescaped pipe split one
      expect(line.split(/(?<!\\)\|/).length - 2).toBe(8);
    }
    expect(escapeMarkdown('*a* [b](c)')).toBe('\\*a\\* \\[b\\]\\(c\\)');
    expect(markdownCode('a`b')).toBe('``a`b``');
  });
});

describe('coverage and safety sections', () => {
  const passing = () =>
    reportOf(
      Array.from({ length: 30 }, (_, i) => outcome('GET /orders/:id', `/orders/${i}`)),
      { threshold: 0.9, minSamples: 5, confidence: 0 },
    );
  const report = { ...passing(), coverage: lowCoverage(), safety: SAFETY };

  it('Markdown shows the coverage table, causes, sources, strata per route (capped) and the safety counts', () => {
    const text = renderMarkdown(report);
    const lines = text.split('\n');
    expect(lines).toContain('| 1000 | 480 | ⚠️ 48.0% | 90.0% | 520 | 500 | 12 (2.5%) | 4 |');
    expect(lines).toContain(
      'Routes from: 0 templates, 468 log route keys, 12 inferred. Learned parameters: `GET /products/*`.',
    );
    expect(lines).toContain('- no concrete request path \\(log $context\\.path\\) ×500 (e.g. `apigw.log:3`)');
    expect(lines).toContain('| `apigw.log` | 450 | 0 | ⚠️ absent |');
    expect(lines).toContain('Strata per route (the 20 largest of 25):');
    const strata = lines.filter((l) => /^\| `GET \/(orders|products|health)/.test(l) && l.includes('?'));
    // The 20 largest: 19 of GET /orders/:id together, then GET /products/*'s largest; the rest are counted.
    expect(strata.map((l) => l.split(' | ')[0])).toEqual([
      ...Array.from({ length: 19 }, () => '| `GET /orders/:id`'),
      '| `GET /products/*`',
    ]);
    expect(strata[0]).toBe('| `GET /orders/:id` | `GET /orders/:id?page=0` | 100 | 4 |');
    expect(lines).toContain('5 more stratum/strata in the JSON report.');
    expect(lines).toContain('| 2 | `x-forwarded-host` ×3, `_method` ×1 | `expect` ×1 | 4 |');
    expect(renderMarkdown(report, { strata: 3 })).toContain('Strata per route (the 3 largest of 25):');
  });

  it('HTML shows the same, with every stratum the report keeps and a filter over them', () => {
    const html = renderHtml(report);
    expect(html).toContain(
      '<tbody><tr><td class="n">1000</td><td class="n">480</td><td class="n">48.0%</td><td class="n">90.0%</td><td class="n">520</td><td class="n">500</td><td class="n">12 (2.5%)</td><td class="n">4</td></tr></tbody>',
    );
    expect(html).toContain(
      '<p id="coverage-share"><span class="tag inconclusive">inconclusive</span> Coverage: replayable 48.0% of safe lines (480/1000), below the minimum 90.0%</p>',
    );
    const strata = html.slice(html.indexOf('<table id="strata">'));
    expect([...strata.slice(0, strata.indexOf('</table>')).matchAll(/<tr><td>/g)]).toHaveLength(25);
    expect(html).toContain('data-filter="strata"');
    expect(html).toContain('<td><code>x-forwarded-host</code> ×3, <code>_method</code> ×1</td>');
  });

  it('JUnit adds a coverage test case that fails below the minimum and passes above it', () => {
    const low = renderJunit(report);
    expect(low).toMatch(
      /<testcase name="coverage" classname="bg-replay.run">\n {6}<failure type="low-coverage" message="replayable 48\.0% of safe lines \(480\/1000\), below the minimum 90\.0%">/,
    );
    expect(low).toContain('<property name="coverage" value="0.48"/>');
    expect(low).toContain(
      '<property name="safety" value="2 path(s) refused; stripped x-forwarded-host ×3, _method ×1; dropped expect ×1; 4 credential(s) masked"/>',
    );
    expect(low).toMatch(/<testsuite [^>]*tests="3" failures="1"/);
    const enough = renderJunit({ ...report, coverage: lowCoverage({ replayable: 950, ratio: 0.95 }) });
    expect(enough).toMatch(
      /<testcase name="coverage" classname="bg-replay.run">\n {6}<system-out>replayable 95\.0% of safe lines \(950\/1000\), at least the minimum 90\.0%\ntop malformed cause/,
    );
    expect(enough).toMatch(/<testsuite [^>]*tests="3" failures="0"/);
  });

  it('leave both out of a report written before they existed', () => {
    const old = passing();
    expect(renderMarkdown(old)).not.toMatch(/### (Coverage|Request safety)/);
    expect(renderHtml(old)).not.toMatch(/<h2>(Coverage|Request safety)<\/h2>/);
    expect(renderJunit(old)).not.toContain('name="coverage"');
  });

  it('escape hostile names in strata, malformed causes and sources in every format', () => {
    const hostile = {
      ...report,
      coverage: lowCoverage({
        malformedCauses: [{ reason: HOSTILE_NAME, count: 3, example: { source: HOSTILE_NAME, line: 1 } }],
        sources: [{ source: HOSTILE_NAME, records: 30, withQuery: 0, queryStrings: 'absent' }],
        strata: [{ route: HOSTILE_NAME, stratum: `${HOSTILE_NAME}?q`, seen: 3, sampled: 1 }],
        learnedParameters: [HOSTILE_NAME],
      }),
      safety: { ...SAFETY, stripped: { [HOSTILE_NAME]: 1 } },
    };
    const html = renderHtml(hostile);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(
      '<td><code>x|&lt;script&gt;alert(1)&lt;/script&gt;\r\n[a](https://evil.example/r)?q</code></td>',
    );
    const xml = renderJunit(hostile);
    expect(xml).not.toContain('<script>');
    const text = renderMarkdown(hostile);
    for (const line of text.split('\n').filter((l) => l.startsWith('| ')))
      expect(line.split(/(?<!\\)\|/).length - 2).toBeGreaterThanOrEqual(4);
    const stratumRow = text.split('\n').find((l) => l.endsWith(' | 3 | 1 |'));
    expect(stratumRow?.split(/(?<!\\)\|/).length).toBe(6);
    // Inside code spans text is literal; outside them no link or tag may survive.
    const prose = text.replace(/(`+) [\s\S]*? \1|(`+)[^`]*?\2/g, '');
    expect(prose).toContain('\\[a\\]\\(');
    expect(prose).not.toMatch(/<script|(?<!\\)\]\(/);
  });
});
