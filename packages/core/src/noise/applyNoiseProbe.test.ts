import { describe, expect, it } from 'vitest';
import type { Difference, ExchangeResponse, JudgedDifference } from '../model.js';
import type { RecordOutcome } from '../verdict/aggregate.js';
import { applyNoiseProbe } from './applyNoiseProbe.js';

const ok: ExchangeResponse = {
  ok: true,
  status: 200,
  headers: {},
  body: new Uint8Array(),
  truncated: false,
  latencyMs: 1,
};
const route = 'GET /a';

function outcome(raw: string[], noise?: string[]): RecordOutcome {
  const differences: JudgedDifference[] = raw.map((pointer) => ({
    route,
    pointer,
    kind: 'changed',
    disposition: { counted: true },
  }));
  const result: RecordOutcome = {
    route,
    record: { method: 'GET', path: '/a', headers: {} },
    live: ok,
    candidate: ok,
    differences,
  };
  if (noise)
    result.probe = {
      live: ok,
      differences: noise.map((pointer): Difference => ({ route, pointer, kind: 'changed' })),
    };
  return result;
}

const settings = { probeShare: 0.5, relative: 0.2, absolute: 0.0003, minProbed: 3 };

describe('applyNoiseProbe', () => {
  it('hides a pointer that differs live vs live at the same rate, keeps one that does not', () => {
    const outcomes = [
      outcome(['/at', '/items/0/x'], ['/at']),
      outcome(['/at'], ['/at']),
      outcome(['/at'], ['/at']),
      outcome(['/at', '/items/3/x']),
    ];
    const summary = applyNoiseProbe(outcomes, settings);
    expect(summary.pointers).toEqual([
      expect.objectContaining({
        pointer: '/at',
        raw: 4,
        compared: 4,
        noise: 3,
        probed: 3,
        verdict: 'noise',
        hidden: 4,
      }),
      expect.objectContaining({ pointer: '/items/*/x', raw: 2, noise: 0, verdict: 'real', hidden: 0 }),
    ]);
    expect(
      outcomes.flatMap((o) => o.differences.map((d) => `${d.pointer} ${d.disposition.counted}`)),
    ).toEqual(['/at false', '/items/0/x true', '/at false', '/at false', '/at false', '/items/3/x true']);
  });

  it('never hides a removal or a type change at a noisy pointer: those are breaking', () => {
    const outcomes = [outcome(['/at'], ['/at']), outcome(['/at'], ['/at']), outcome(['/at'], ['/at'])];
    for (const o of outcomes) (o.differences[0] as JudgedDifference).kind = 'removed';
    const typed = outcome(['/at'], ['/at']);
    (typed.differences[0] as JudgedDifference).kind = 'type';
    outcomes.push(typed);
    applyNoiseProbe(outcomes, settings);
    expect(outcomes.map((o) => o.differences[0]?.disposition)).toEqual(Array(4).fill({ counted: true }));
  });

  it('leaves differences counted and says so when the probe saw too few records', () => {
    const outcomes = [outcome(['/at'], ['/at']), outcome(['/at'], ['/at']), outcome(['/at'])];
    const summary = applyNoiseProbe(outcomes, settings);
    expect(summary.routes).toEqual([
      {
        route,
        compared: 3,
        probed: 2,
        judged: false,
        message:
          'GET /a: the noise probe compared live with itself on only 2 record(s), fewer than 3; its differences were not judged as noise (raise --noise-probe or --sample)',
      },
    ]);
    expect(summary.pointers[0]?.verdict).toBe('unjudged');
    expect(outcomes.every((o) => o.differences.every((d) => d.disposition.counted))).toBe(true);
  });

  it('does not touch differences already hidden by a rule', () => {
    const hidden = outcome([]);
    hidden.differences.push({
      route,
      pointer: '/x',
      kind: 'changed',
      disposition: { counted: false, by: 'rule', ruleId: 'r' },
    });
    const outcomes = [hidden, outcome([], ['/x']), outcome([], ['/x'])];
    applyNoiseProbe(outcomes, { ...settings, minProbed: 1 });
    expect(hidden.differences[0]?.disposition).toEqual({ counted: false, by: 'rule', ruleId: 'r' });
  });
});
