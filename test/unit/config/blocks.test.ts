import { describe, expect, it } from 'vitest';
import { buildBlocks } from '../../../shared/config/blocks.ts';
import { ConfigError } from '../../../shared/errors.ts';
import { expectError, parse } from './helpers.ts';

describe('buildBlocks', () => {
  it('nests sub-mode lines under the nearest less-indented line', () => {
    const top = buildBlocks(['a', ' b', '  c', ' d', 'e'].join('\n'), 'f');
    expect(top.map((n) => n.tokens[0])).toEqual(['a', 'e']);
    expect(top[0]!.children.map((n) => [n.no, n.tokens[0]])).toEqual([[2, 'b'], [4, 'd']]);
    expect(top[0]!.children[0]!.children.map((n) => n.no)).toEqual([3]);
  });

  it('drops comment lines, trailing comments, blank lines and CRLF', () => {
    const top = buildBlocks('! header\r\n\r\nhostname r1 ! trailing\r\n   \r\n!\r\nx!y\r\n', 'f');
    expect(top.map((n) => [n.no, n.tokens])).toEqual([[3, ['hostname', 'r1']], [6, ['x!y']]]);
  });

  it('accepts tab indentation but not tabs mixed with spaces', () => {
    expect(buildBlocks('a\n\tb', 'f')[0]!.children[0]!.tokens).toEqual(['b']);
    expect(() => buildBlocks('a\n \tb', 'f')).toThrow(ConfigError);
  });

  it('treats exit as leaving the sub-mode it is indented under', () => {
    const top = buildBlocks(['a', ' b', '  c', '  exit', ' d', 'exit', 'e'].join('\n'), 'f');
    expect(top.map((n) => n.tokens[0])).toEqual(['a', 'e']);
    expect(top[0]!.children.map((n) => n.tokens[0])).toEqual(['b', 'd']);
  });
});

describe('parseConfig lines', () => {
  it('accepts comments, blank lines, hostname, exit and end', () => {
    const { config, warnings } = parse(['! comment', '', 'hostname ks-1 ! the KS', 'exit', '!', 'end', '', '! after end']);
    expect(config.hostname).toBe('ks-1');
    expect(warnings).toEqual([]);
  });

  it('gives empty defaults for an empty file', () => {
    const { config } = parse([]);
    expect(config.isakmpPolicies).toEqual([]);
    expect(config.isakmpIdentity).toBe('address');
    expect(config.ksGroups).toEqual([]);
    expect(config.gdoiVersion).toBeUndefined();
  });

  it('rejects an unknown global command with its line number', () => {
    expectError(['hostname a', '!', 'ip routing'], 3, /unknown or unsupported command 'ip routing' in global configuration/);
  });

  it('rejects an unknown sub-mode line', () => {
    expectError(['crypto ipsec profile P', ' set transform-set T', ' set pfs group14'], 3, /unknown or unsupported command 'set pfs \.\.\.' in ipsec profile/);
  });

  it('rejects an indented line under a command without a sub-mode', () => {
    expectError(['hostname a', ' identity number 1'], 2, /'hostname' \(line 1\) has no sub-mode/);
  });

  it('rejects lines after end', () => {
    expectError(['hostname a', 'end', 'hostname b'], 3, /continues after 'end' at line 2/);
  });

  it('rejects a line still indented under a sub-mode left by exit', () => {
    expectError(['crypto ipsec profile P', ' set transform-set T', ' exit', ' set security-association lifetime seconds 600'], 4,
      /indented under line 1, whose sub-mode was left by 'exit' at line 3/);
  });

  it('rejects a bad host name and extra tokens', () => {
    expectError(['hostname bad/name'], 1, /bad host name/);
    expectError(['hostname a b'], 1, /unexpected 'b'/);
  });

  it('never echoes a whole line in an error (keys stay out of messages)', () => {
    const e = expectError(['crypto isakmp key s3cret-psk address 10.0.0.300'], 1, /bad peer address '10.0.0.300'/);
    expect(e.message).not.toContain('s3cret-psk');
  });

  it('accepts `gdoi version X.Y.Z` and rejects malformed versions', () => {
    expect(parse(['gdoi version 1.0.01']).config.gdoiVersion).toBe('1.0.1');
    expectError(['gdoi version 1.0'], 1, /bad GDOI version '1.0'/);
    expectError(['gdoi version 1.256.0'], 1, /bad GDOI version/);
  });
});
