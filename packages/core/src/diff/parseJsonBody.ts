import { isSafeNumber, parse as parseLossless, splitNumber } from 'lossless-json';

/**
 * A JSON number that a double cannot hold without loss (an integer above 2^53, more than 15 significant
 * digits, or an exponent out of range such as `1e400`), kept as its source text. Two are equal when their
 * decimal values are equal (`1e400` = `10e399`); one is never equal to a plain number, because a plain number
 * stands for a value a double holds exactly. Reports show it as its source text.
 */
export class ExactNumber {
  /** `<sign><significant digits>e<exponent>`: equal for equal decimal values. */
  readonly canonical: string;
  constructor(readonly text: string) {
    const { sign, digits, exponent } = splitNumber(text);
    const trimmed = digits.replace(/0+$/, '') || '0';
    this.canonical = trimmed === '0' ? '0' : `${sign}${trimmed}e${exponent}`;
  }
  /** The nearest double, for tolerances. */
  valueOf(): number {
    return Number(this.text);
  }
  toJSON(): string {
    return this.text;
  }
  toString(): string {
    return this.text;
  }
}

/**
 * A cheap test on the source text for a number a double may not hold: 16 significant digits or more (16
 * digits in a row, or 8 on one side of a decimal point, since k + m >= 16 digits with k, m <= 15 puts 8 on one
 * side), or an exponent of three digits. It also fires on some digit runs inside strings; those bodies only
 * take the slower, lossless parse. Scanning costs well under a tenth of `JSON.parse` on typical bodies.
 */
const MAYBE_UNSAFE_NUMBER = /\d{16}|\d{8}\.\d|\d\.\d{8}|[eE][+-]?\d{3}/;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const parseNumber = (text: string): unknown => (isSafeNumber(text) ? Number(text) : new ExactNumber(text));

/**
 * Parses JSON text without losing numbers: plain `JSON.parse` unless the text may hold a number a double
 * cannot represent; then lossless-json, which keeps such numbers as {@link ExactNumber}s (duplicate keys:
 * the last wins, as with `JSON.parse`). Undefined when the text is not JSON.
 *
 * @example
 * parseJsonText('{"id":12345678901234567891}') // { value: { id: ExactNumber('12345678901234567891') } }
 */
export function parseJsonText(text: string): { value: unknown } | undefined {
  if (MAYBE_UNSAFE_NUMBER.test(text)) {
    try {
      return {
        value: parseLossless(text, null, { parseNumber, onDuplicateKey: ({ newValue }) => newValue }),
      };
    } catch {
      // Not JSON to lossless-json: JSON.parse decides below.
    }
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/**
 * Decodes a body as UTF-8, strictly: undefined when its bytes are not valid UTF-8 (two different invalid
 * sequences would otherwise both decode to U+FFFD and compare equal).
 *
 * @example
 * decodeUtf8(Uint8Array.of(0xff)) // undefined
 */
export function decodeUtf8(body: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(body);
  } catch {
    return undefined;
  }
}

/**
 * Parses a JSON body (UTF-8, numbers kept exactly, see {@link parseJsonText}); undefined when the body is not
 * valid UTF-8 or not valid JSON.
 *
 * @example
 * parseJsonBody(Buffer.from('{"a":1}')) // { value: { a: 1 } }
 */
export function parseJsonBody(body: Uint8Array): { value: unknown } | undefined {
  const text = decodeUtf8(body);
  return text === undefined ? undefined : parseJsonText(text);
}
