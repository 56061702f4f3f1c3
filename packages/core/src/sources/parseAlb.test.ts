import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ParseOutcome } from '../model.js';
import { parseAlbLine, splitAlbFields } from './parseAlb.js';
import { readRecords } from './readRecords.js';

const fixture = fileURLToPath(new URL('../../../../fixtures/logs/alb-access.log', import.meta.url));

async function all(format = 'auto'): Promise<ParseOutcome[]> {
  const out: ParseOutcome[] = [];
  for await (const outcome of readRecords({ kind: 'file', path: fixture }, { format })) out.push(outcome);
  return out;
}

describe('ALB access logs', () => {
  it('keeps quoted fields with spaces and escaped quotes as one field', () => {
    expect(splitAlbFields('a "b c" "d \\"e\\"" - f')).toEqual(['a', 'b c', 'd "e"', '-', 'f']);
  });

  it('reads method, full URL with query, status, user agent and the target group ARN', async () => {
    const [first] = await all();
    expect(first).toMatchObject({
      kind: 'record',
      record: {
        method: 'GET',
        path: '/products/40?color=red',
        status: 200,
        headers: { 'user-agent': 'curl/8.5.0' },
        timestamp: '2026-11-26T10:00:00.186Z',
        meta: {
          targetGroupArn:
            'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-blue/73e2d6bc24d8a067',
          host: 'shop.example.com',
          clientIp: '192.168.131.39',
        },
        position: { line: 1 },
      },
    });
  });

  it('reads IPv6 clients and tells the green target group from the blue one', async () => {
    const outcomes = await all();
    const second = outcomes[1];
    expect(second?.kind).toBe('record');
    if (second?.kind !== 'record') return;
    expect(second.record.meta?.clientIp).toBe('2001:db8:85a3::8a2e:370:7334');
    expect(second.record.meta?.targetGroupArn).toMatch(/shop-green/);
    expect(second.record.path).toBe('/orders/1001?token=SECRET-ALB-TOKEN-123');
  });

  it('counts a request the ALB could not parse ("- - -") and a truncated line as malformed, and keeps going', async () => {
    const outcomes = await all('alb');
    expect(outcomes.map((o) => o.kind)).toEqual(['record', 'record', 'malformed', 'record', 'malformed']);
    const [third, , fifth] = outcomes.slice(2);
    expect(third).toMatchObject({ position: { line: 3 }, reason: expect.stringMatching(/no HTTP method/) });
    expect(fifth).toMatchObject({ position: { line: 5 }, reason: expect.stringMatching(/truncated/) });
  });

  it('keeps "-" values out of the record and reads an escaped quote inside the user agent', async () => {
    const fourth = (await all())[3];
    if (fourth?.kind !== 'record') throw new Error('expected a record');
    expect(fourth.record.status).toBe(404);
    expect(fourth.record.headers['user-agent']).toBe('okhttp/4.12.0 "beta"');
    const noTarget = parseAlbLine(
      'http 2026-11-26T10:00:00Z app/x/1 1.2.3.4:5 - -1 -1 -1 502 - 0 0 "GET http://h:80/a HTTP/1.1" "-" - - - "-"',
    );
    expect(noTarget).toMatchObject({ method: 'GET', path: '/a', status: 502, headers: {} });
    expect('malformed' in noTarget ? undefined : noTarget.meta?.targetGroupArn).toBeUndefined();
  });
});
