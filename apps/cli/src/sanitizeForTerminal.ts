// Escape sequences whole (so their arguments do not print as text): OSC `ESC ] … BEL|ST` (titles,
// hyperlinks, clipboard), DCS/SOS/PM/APC `ESC P|X|^|_ … ST`, CSI `ESC [ … final` (cursor, colours, erase),
// and two-character `ESC x`; the C1 forms (U+009B CSI, U+009D OSC) likewise.
const SEQUENCES = new RegExp(
  [
    '(?:\\u001b\\]|\\u009d)[^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)?',
    '(?:\\u001b[PX^_]|[\\u0090\\u0098\\u009e\\u009f])[^\\u001b\\u009c]*(?:\\u001b\\\\|\\u009c)?',
    '(?:\\u001b\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?',
    '\\u001b[\\u0020-\\u007e]?',
  ].join('|'),
  'g',
);
// What is left of C0 and C1, DEL, line and paragraph separators, and the bidirectional controls that can
// reorder what a terminal shows ("Trojan Source").
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to neutralise
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a log or a response made safe to print: escape sequences removed whole, every other control
 * character (line breaks included, so one value stays on one line) shown as `?`. Use it on anything that
 * came from outside before it reaches the console.
 *
 * @example
 * sanitizeForTerminal('GET /\u001b]0;pwned\u0007a\r\nb') // 'GET /a??b'
 */
export function sanitizeForTerminal(text: string): string {
  return text.replace(SEQUENCES, '').replace(CONTROLS, '?');
}
