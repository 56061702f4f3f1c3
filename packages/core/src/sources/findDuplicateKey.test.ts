import { describe, expect, it } from 'vitest';
import { findDuplicateKey, hasDuplicateKey } from './findDuplicateKey.js';

describe('findDuplicateKey', () => {
  it('names the first key repeated in one object, at any depth', () => {
    expect(findDuplicateKey('{"a":1,"b":2,"a":3}')).toBe('a');
    expect(findDuplicateKey('{"h":{"x":"1","x":"2"},"y":0}')).toBe('x');
    expect(findDuplicateKey('{"a":"\\"a\\"","\\u0061":2}')).toBe('a');
  });

  it('finds nothing when equal keys sit in different objects, or when a value repeats a key', () => {
    expect(findDuplicateKey('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"a"}')).toBeUndefined();
    expect(findDuplicateKey('{"a":"b","b":"a,\\"b\\":1"}')).toBeUndefined();
    expect(findDuplicateKey('[1,{"a":1},"a"]')).toBeUndefined();
  });

  it('stays linear on a line built to make a backtracking scanner slow', () => {
    // 80 KB of nested quotes and keys: the old regex peek took seconds on lines like this.
    const text = JSON.stringify({ a: '"httpMethod":"'.repeat(6000), b: Array(2000).fill({ path: 'x' }) });
    expect(findDuplicateKey(text)).toBeUndefined();
    expect(findDuplicateKey(`${text.slice(0, -1)},"a":1}`)).toBe('a');
  });
});

describe('hasDuplicateKey', () => {
  it('compares the keys of the text with those JSON.parse kept', () => {
    const check = (text: string) => hasDuplicateKey(text, JSON.parse(text));
    expect(check('{"a":1,"b":{"c":[{"d":"\\":"}]}}')).toBe(false);
    expect(check('{ "a" : 1 , "b" : { "a" : 2 } }')).toBe(false);
    expect(check('{"a":"x\\\\","a":"y"}')).toBe(true);
    expect(check('{"h":{"x":"1","x":"2"}}')).toBe(true);
  });
});
