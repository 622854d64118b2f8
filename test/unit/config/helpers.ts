// Shared helpers for the config parser tests: configs are written as line arrays so the
// expected line number of an error is the array index + 1.

import { expect } from 'vitest';
import { ConfigError } from '../../../shared/errors.ts';
import { parseConfig } from '../../../shared/config/index.ts';

export const FILE = '/etc/gdoi/test.conf';

export function parse(lines: string[]) {
  return parseConfig(lines.join('\n'), FILE);
}

/** Parses `lines`, expecting a ConfigError on `line` whose message matches `msg`. */
export function expectError(lines: string[], line: number, msg: RegExp): ConfigError {
  let err: unknown;
  try {
    parse(lines);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const ce = err as ConfigError;
  expect({ line: ce.line, message: ce.message }).toEqual({ line, message: expect.stringMatching(msg) });
  expect(ce.file).toBe(FILE);
  expect(ce.code).toBe('CONFIG');
  expect(ce.message.startsWith(`${FILE}:${line}: `)).toBe(true);
  return ce;
}

/** A pre-shared-key phase 1 so KS/GM snippets load without PKI files. */
export const PSK = [
  'crypto isakmp policy 10',
  ' encryption aes 256',
  ' hash sha256',
  ' authentication pre-share',
  ' group 14',
  'crypto isakmp key lab-psk address 0.0.0.0 0.0.0.0',
];

/** TEK pieces a KS group can reference: transform set TS, profile P, ACL POL. */
export const TEK = [
  'crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac',
  'crypto ipsec profile P',
  ' set transform-set TS',
  'ip access-list extended POL',
  ' permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255',
  'crypto key generate rsa label RK modulus 2048',
];
