// The SLA light a participant watches: one red objective makes it red, and it is never green on doubt.
import { describe, expect, it } from 'vitest';
import { combine } from '../../activities/sla/kube-state.ts';

describe('combine', () => {
  it('is green only when every objective is green', () => {
    expect(combine(['green', 'green', 'green'])).toBe('green');
  });

  it('is red when any objective is red, even beside unknown ones', () => {
    expect(combine(['green', 'red', 'green'])).toBe('red');
    expect(combine(['unknown', 'red'])).toBe('red');
  });

  it('is unknown, not green, when an objective could not be read or there are none', () => {
    expect(combine(['green', 'unknown'])).toBe('unknown');
    expect(combine([])).toBe('unknown');
  });
});
