import { describe, expect, it } from 'vitest';
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
