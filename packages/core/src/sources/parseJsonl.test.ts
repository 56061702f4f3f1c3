import { describe, expect, it } from 'vitest';
import { readPlainRecord, readRecordBySchema } from './parseJsonl.js';

const LINES = [
  '{"method":"get","path":"/a?b=1"}',
  '{"method":"GET","path":"/a","headers":{"Accept":"application/json","X-Id":"1"}}',
  '{"path":"/p","method":"POST","body":"{\\"a\\":1}","bodyEncoding":"utf8","status":201,"extra":true}',
  '{"method":"PUT","path":"/b","body":"AAEC","bodyEncoding":"base64","timestamp":"2026-11-30T18:00:00Z","route":"PUT /b","meta":{"k":"v","1":"x"}}',
  '{"method":"GET","path":"/s","status":-0,"headers":{}}',
  '{"method":"GET","path":"/s","status":1.5}',
  '{"method":"GET","path":"/s","status":9007199254740992}',
  '{"method":"GET","path":"/s","status":"200"}',
  '{"method":"GE","path":"/short"}',
  '{"method":"GET1","path":"/digit"}',
  '{"method":"GET","path":"no-slash"}',
  '{"method":"GET","path":"/h","headers":{"a":1}}',
  '{"method":"GET","path":"/h","headers":[{"name":"a","value":"b"}]}',
  '{"method":"GET","path":"/h","headers":null}',
  '{"method":"GET","path":"/h","headers":{"__proto__":"x","k":"v"}}',
  '{"method":"GET","path":"/m","meta":{"__proto__":"x"}}',
  '{"method":"GET","path":"/m","meta":{"k":2}}',
  '{"method":"GET","path":"/e","bodyEncoding":"hex"}',
  '{"method":"GET","path":"/e","body":null}',
  '{"method":"GET","path":"/t","timestamp":5}',
  '{"method":"GET","path":"/r","route":["x"]}',
  '{"method":7,"path":"/n"}',
  '{"path":"/no-method"}',
];

describe('readPlainRecord', () => {
  it('builds exactly what the schema builds (same fields, values and key order) for every line it takes', () => {
    let taken = 0;
    for (const line of LINES) {
      const value = JSON.parse(line) as Record<string, unknown>;
      const plain = readPlainRecord(value);
      const bySchema = readRecordBySchema(JSON.parse(line) as Record<string, unknown>);
      if (plain === undefined) continue;
      taken += 1;
      expect(plain, line).toStrictEqual(bySchema);
      expect(JSON.stringify(plain), line).toBe(JSON.stringify(bySchema));
    }
    expect(taken).toBe(5);
  });

  it('leaves every line the schema refuses, and only those with an odd shape, to the schema', () => {
    const declined = LINES.filter((line) => readPlainRecord(JSON.parse(line)) === undefined);
    for (const line of declined) {
      const bySchema = readRecordBySchema(JSON.parse(line));
      const expectMalformed = !/__proto__/.test(line);
      expect('malformed' in bySchema, line).toBe(expectMalformed);
    }
  });
});
