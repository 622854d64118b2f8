import { describe, expect, it } from 'vitest';
import { compilePattern, splitWords } from '../../../shared/control/pattern.ts';

const show = (pattern: string) =>
  compilePattern(pattern).map((p) => p.map((t) => (t.kind === 'keyword' ? t.text : `<${t.name}>`)).join(' '));

describe('compilePattern', () => {
  it('expands optional words, choices and placeholders to every allowed path', () => {
    expect(show('show version')).toEqual(['show version']);
    expect(show('clear crypto gdoi [group NAME] ks members [now]')).toEqual([
      'clear crypto gdoi ks members',
      'clear crypto gdoi ks members now',
      'clear crypto gdoi group <NAME> ks members',
      'clear crypto gdoi group <NAME> ks members now',
    ]);
    expect(show('debug {gm|ks} rekey')).toEqual(['debug gm rekey', 'debug ks rekey']);
    expect(show('show crypto gdoi ks [detail|members [summary|IP]]')).toEqual([
      'show crypto gdoi ks',
      'show crypto gdoi ks detail',
      'show crypto gdoi ks members',
      'show crypto gdoi ks members summary',
      'show crypto gdoi ks members <IP>',
    ]);
    expect(show('show crypto gdoi feature {gm-removal|policy-replace}')).toEqual([
      'show crypto gdoi feature gm-removal',
      'show crypto gdoi feature policy-replace',
    ]);
  });

  it('rejects malformed patterns', () => {
    for (const bad of ['', 'show [version', 'show {a|b', 'show ]', 'show a|b', 'show [a||b]', '[show]', 'Show x', 'show ver$ion']) {
      expect(() => compilePattern(bad), bad).toThrow(SyntaxError);
    }
  });

  it('refuses patterns that explode combinatorially', () => {
    expect(() => compilePattern(`x ${'[a|b|c|d] '.repeat(8)}`)).toThrow(/expands to over/);
  });
});

describe('splitWords', () => {
  it('keeps each word\'s column for the caret', () => {
    expect(splitWords('  show   crypto gdoi')).toEqual([
      { text: 'show', at: 2 }, { text: 'crypto', at: 9 }, { text: 'gdoi', at: 16 },
    ]);
    expect(splitWords('   ')).toEqual([]);
  });
});
