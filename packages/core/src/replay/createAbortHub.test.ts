import { describe, expect, it } from 'vitest';
import { createAbortHub } from './createAbortHub.js';

describe('createAbortHub', () => {
  it('calls every listener still registered once on abort, with aborted and reason set first', () => {
    const hub = createAbortHub();
    const calls: string[] = [];
    const a = () => calls.push(`a:${hub.signal.aborted}:${String(hub.signal.reason)}`);
    const b = () => calls.push('b');
    const c = () => calls.push('c');
    hub.signal.once('abort', a);
    hub.signal.on('abort', b);
    hub.signal.once('abort', c);
    hub.signal.removeListener('abort', b);
    expect(hub.signal.aborted).toBe(false);
    hub.abort('stop');
    hub.abort('again');
    expect(calls).toEqual(['a:true:stop', 'c']);
    expect(hub.signal.reason).toBe('stop');
  });

  it('keeps no listener after the abort', () => {
    const hub = createAbortHub();
    let calls = 0;
    hub.abort(new Error('x'));
    hub.signal.once('abort', () => {
      calls += 1;
    });
    hub.abort(new Error('y'));
    expect(calls).toBe(0);
  });
});
