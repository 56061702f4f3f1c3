import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectSample } from '../../src/sources/collectSample.js';

async function jsonlFile(lines: object[]): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'bg-replay-compact-')), 'records.jsonl');
  await writeFile(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  return file;
}

describe('collectSample hands over compact records', () => {
  it('keeps every field, value and key order of the chosen records, sharing one frozen empty headers object', async () => {
    const path = await jsonlFile([
      { method: 'GET', path: '/items/1?page=1' },
      { method: 'GET', path: '/items/2', headers: { accept: 'application/json' } },
      { method: 'GET', path: '/items/3', headers: {} },
      { method: 'GET', path: '/items/4', status: 200, body: 'x' },
    ]);
    const { records } = await collectSample({ logs: [{ kind: 'file', path }], format: 'jsonl', sample: 10 });
    const byPath = new Map(records.map(({ record }) => [record.path, record]));
    const plain = byPath.get('/items/1?page=1');
    expect(JSON.stringify(plain)).toBe(
      JSON.stringify({
        path: '/items/1?page=1',
        method: 'GET',
        headers: {},
        position: { source: path, line: 1 },
        route: 'GET /items/:id',
      }),
    );
    expect(byPath.get('/items/2')?.headers).toStrictEqual({ accept: 'application/json' });
    expect(Object.isFrozen(byPath.get('/items/2')?.headers)).toBe(false);
    // Records without headers share one object, which no one can add to by mistake.
    expect(byPath.get('/items/3')?.headers).toBe(plain?.headers);
    expect(() => {
      (plain?.headers as Record<string, string>).cookie = 'c';
    }).toThrow(TypeError);
    // A record with other fields is left as it was built.
    expect(byPath.get('/items/4')).toMatchObject({ status: 200, body: 'x', route: 'GET /items/:id' });
  });
});
