import { describe, expect, it } from 'vitest';
import { sanitizeForTerminal } from './sanitizeForTerminal.js';

describe('sanitizeForTerminal', () => {
  it('removes OSC, CSI and two-character escape sequences whole', () => {
    expect(sanitizeForTerminal('a\u001b]0;title\u0007b')).toBe('ab');
    expect(sanitizeForTerminal('a\u001b]8;;http://x.example\u001b\\link\u001b]8;;\u001b\\b')).toBe('alinkb');
    expect(sanitizeForTerminal('\u001b[2J\u001b[1;31mred\u001b[0m')).toBe('red');
    expect(sanitizeForTerminal('\u009b31mx')).toBe('x');
    expect(sanitizeForTerminal('a\u001bcb')).toBe('ab');
  });

  it('shows other control characters, line breaks and bidi overrides as ?', () => {
    expect(sanitizeForTerminal('a\rb\nc\u0000d\u007fe\u2028f\u202eg')).toBe('a?b?c?d?e?f?g');
  });

  it('leaves ordinary text, including non-ASCII letters, as it is', () => {
    expect(sanitizeForTerminal('GET /café/:id ×3 – ok')).toBe('GET /café/:id ×3 – ok');
  });
});
