/**
 * True when `text` (which `JSON.parse` turned into `value`) names some key twice in one object. A quick count
 * first (keys in the text against keys in the value: equal unless a duplicate collapsed), so the common line
 * pays two short passes and no allocation; linear either way.
 *
 * @example
 * hasDuplicateKey('{"a":1,"a":2}', { a: 2 }) // true
 */
export function hasDuplicateKey(text: string, value: unknown): boolean {
  return countTextKeys(text) !== countValueKeys(value);
}

/** Strings followed by `:` (JSON's keys), found by jumping from quote to quote. */
function countTextKeys(text: string): number {
  let keys = 0;
  let i = text.indexOf('"');
  while (i >= 0) {
    let end = text.indexOf('"', i + 1);
    while (end > 0 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
    if (end < 0) break;
    let next = end + 1;
    while (isSpace(text.charCodeAt(next))) next += 1;
    if (text.charCodeAt(next) === 58 /* : */) keys += 1;
    i = text.indexOf('"', next);
  }
  return keys;
}

/** An odd run of backslashes before `at` escapes the quote there. */
function isEscaped(text: string, at: number): boolean {
  let run = 0;
  while (text.charCodeAt(at - 1 - run) === 92) run += 1;
  return run % 2 === 1;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function countValueKeys(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) keys += countValueKeys(item);
    return keys;
  }
  for (const key in value) {
    keys += 1 + countValueKeys((value as Record<string, unknown>)[key]);
  }
  return keys;
}

/**
 * The first key that appears twice in one object of a JSON text, or undefined. `JSON.parse` keeps the last
 * of duplicate keys silently, so a line with two `httpMethod`s would be judged by one value and replayed
 * with another; such a line is malformed. One pass, no regular expression: linear in the text.
 * Call it on text `JSON.parse` accepted (it does not validate the syntax).
 *
 * @example
 * findDuplicateKey('{"httpMethod":"GET","path":"/a","httpMethod":"DELETE"}') // 'httpMethod'
 */
export function findDuplicateKey(text: string): string | undefined {
  // One entry per open container: the keys of an object, or null for an array.
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const start = i + 1;
      let escaped = false;
      i += 1;
      for (; i < n; i += 1) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) {
          escaped = true;
          i += 1;
        } else if (d === 34) break;
      }
      if (expectKey) {
        const raw = text.slice(start, i);
        // `"\u0061"` and `"a"` are the same key: escaped keys are decoded (rare, and still one pass).
        const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        const keys = stack[stack.length - 1];
        if (keys) {
          if (keys.has(key)) return key;
          keys.add(key);
        }
        expectKey = false;
      }
    } else if (c === 123 /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 91 /* [ */) {
      stack.push(null);
      expectKey = false;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 44 /* , */) {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return undefined;
}
