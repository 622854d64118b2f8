import { describe, expect, it } from 'vitest';
import { applyModifier, parseModifier, type Modifier } from '../../../shared/control/modifiers.ts';

const FEATURE = [
  '    Group Name: GET',
  '    Key Server ID      Version  Feature Supported',
  '        10.0.8.1           1.0.2   Yes',
  '',
  '    Group Member ID   Version  Feature Supported',
  '        10.0.0.2           1.0.2   Yes',
  '        10.0.0.3           1.0.1   No',
].join('\n');

const mod = (text: string) => parseModifier(text, 0) as Modifier;

describe('parseModifier', () => {
  it('accepts abbreviations and keeps the rest of the line as the regex, pipes included', () => {
    expect(mod(' include 10.0').name).toBe('include');
    expect(mod(' i 10.0').name).toBe('include');
    expect(mod(' ex Yes').name).toBe('exclude');
    expect(mod(' b Group').name).toBe('begin');
    expect(mod(' c x').name).toBe('count');
    expect(mod(' sec x').name).toBe('section');
    expect(mod(' include a|b c').regex.source).toBe('a|b c');
  });

  it('reports what is wrong, with the caret column of a bad keyword', () => {
    expect(parseModifier(' frobnicate x', 20)).toEqual({ kind: 'invalid', at: 21 });
    expect(parseModifier(' include', 0)).toEqual({ kind: 'incomplete' });
    expect(parseModifier('   ', 0)).toEqual({ kind: 'incomplete' });
    expect(parseModifier(' include (', 0)).toMatchObject({ kind: 'bad-regex' });
  });
});

describe('applyModifier', () => {
  it('include / exclude keep or drop matching lines', () => {
    expect(applyModifier(FEATURE, mod(' include No'))).toBe('        10.0.0.3           1.0.1   No');
    expect(applyModifier(FEATURE, mod(' exclude Yes|^$')).split('\n')).toEqual([
      '    Group Name: GET',
      '    Key Server ID      Version  Feature Supported',
      '    Group Member ID   Version  Feature Supported',
      '        10.0.0.3           1.0.1   No',
    ]);
  });

  it('begin starts at the first match; no match prints nothing', () => {
    expect(applyModifier(FEATURE, mod(' begin Member')).split('\n')).toHaveLength(3);
    expect(applyModifier(FEATURE, mod(' begin nothing-here'))).toBe('');
  });

  it('count prints the IOS line', () => {
    expect(applyModifier(FEATURE, mod(' count 10\\.0\\.'))).toBe('Number of lines which match regexp = 3');
    expect(applyModifier(`${FEATURE}\n`, mod(' count ^$'))).toBe('Number of lines which match regexp = 1');
  });

  it('section keeps a matching line and the lines indented under it', () => {
    const cfg = ['crypto gdoi group GET', ' identity number 1', ' server local', '  rekey retransmit 10', 'crypto gdoi group X', ' identity number 2'].join('\n');
    expect(applyModifier(cfg, mod(' section group GET')).split('\n')).toEqual([
      'crypto gdoi group GET', ' identity number 1', ' server local', '  rekey retransmit 10',
    ]);
  });
});
