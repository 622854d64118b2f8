import { describe, expect, it } from 'vitest';
import { expectError, parse, PSK, TEK } from './helpers.ts';

const PRE = [...PSK, ...TEK];          // 12 lines; the group starts on line 13
const L = PRE.length;

/** A KS group whose ` server local` sub-mode holds `local` (each line indented two spaces). */
function ks(local: string[], extra: string[] = []) {
  return [...PRE, ...extra, 'crypto gdoi group G', ' identity number 1234', ' server local', ...local.map((l) => `  ${l}`)];
}
const SA = ['sa ipsec 1', ' profile P', ' match address ipv4 POL'];
const at = (extra: string[], i: number) => L + extra.length + 4 + i;   // line of local[i]

describe('crypto gdoi group: server local', () => {
  it('applies the documented defaults', () => {
    const { config, warnings } = parse(ks(SA));
    const g = config.ksGroups[0]!;
    expect(g).toMatchObject({ name: 'G', identity: 1234, line: L + 1 });
    expect(g.local).toEqual({
      rekeyAlgorithm: '3des', rekeyLifetime: 86400, rekeyRetransmit: { seconds: 10, number: 2 }, rekeyTransport: 'unicast',
      sas: [{ seq: 1, profile: 'P', matchAcl: 'POL', replay: { kind: 'counter', window: 64 }, line: L + 4 }],
      receiveOnly: false, line: L + 3,
    });
    expect(warnings).toEqual([{ line: L + 3, message: "no 'rekey authentication mypubkey rsa': the KS sends no rekeys; members re-register before TEKs expire" }]);
    expect(config.gmGroups).toEqual([]);
  });

  it('reads every rekey line', () => {
    const acl = ['ip access-list extended MC', ' permit udp host 10.0.0.1 eq 848 host 239.1.1.1 eq 848'];
    const { config, warnings } = parse(ks([
      'rekey algorithm aes 192', 'rekey lifetime seconds 3600', 'rekey retransmit 40 number 3', 'rekey authentication mypubkey rsa RK',
      'rekey address ipv4 MC', 'rekey sig-hash algorithm sha384', ...SA,
    ], acl));
    const l = config.ksGroups[0]!.local;
    expect(l).toMatchObject({
      rekeyAlgorithm: 'aes-192', rekeyLifetime: 3600, rekeyRetransmit: { seconds: 40, number: 3 }, rekeyAuth: { keyName: 'RK' },
      rekeyTransport: 'multicast', rekeyAddressAcl: 'MC', rekeySigHash: 'sha384',
    });
    expect(warnings).toEqual([]);
  });

  it.each([
    ['aes 256', 'aes-256'], ['aes 128', 'aes-128'], ['aes', 'aes-128'], ['3des-cbc', '3des'],
  ])('reads rekey algorithm %s', (v, want) => {
    const r = parse(ks([`rekey algorithm ${v}`, 'rekey authentication mypubkey rsa RK', ...SA]));
    expect(r.config.ksGroups[0]!.local.rekeyAlgorithm).toBe(want);
    expect(r.warnings.map((w) => w.message)).toEqual(want === '3des' ? ['rekey algorithm 3des-cbc is weak; use aes 256'] : []);
  });

  it('warns about the 3des default only when rekeys are signed, and about weak rekey keys and SHA-1', () => {
    const r = parse(ks(['rekey authentication mypubkey rsa SMALL', 'rekey sig-hash algorithm sha', ...SA], ['crypto key generate rsa label SMALL modulus 1024']));
    expect(r.warnings).toEqual([
      { line: at(['x'], 0) - 1, message: "rekey algorithm defaults to 3des-cbc, which is weak; add 'rekey algorithm aes 256'" },
      { line: at(['x'], 0), message: "rekey RSA key 'SMALL' has a 1024-bit modulus; use 2048 or more" },
      { line: at(['x'], 1), message: 'rekey sig-hash sha (SHA-1) is weak; use sha256' },
    ]);
  });

  it('uses unicast when asked even with a rekey address, and warns the ACL is unused', () => {
    const acl = ['ip access-list extended MC', ' permit udp host 10.0.0.1 host 239.1.1.1'];
    const r = parse(ks(['rekey address ipv4 MC', 'rekey transport unicast', 'rekey algorithm aes 256', 'rekey authentication mypubkey rsa RK', ...SA], acl));
    expect(r.config.ksGroups[0]!.local.rekeyTransport).toBe('unicast');
    expect(r.warnings).toEqual([{ line: at(acl, 0), message: "'rekey address ipv4' is unused with 'rekey transport unicast'" }]);
  });

  it('reads sa ipsec replay choices and several SAs in sequence order', () => {
    const { config } = parse(ks([
      'sa ipsec 20', ' profile P', ' match address ipv4 POL', ' replay time window-size 5',
      'sa ipsec 10', ' profile P', ' match address ipv4 POL', ' no replay',
      'sa ipsec 30', ' profile P', ' match address ipv4 POL', ' replay counter window-size 1024',
    ]));
    expect(config.ksGroups[0]!.local.sas.map((s) => [s.seq, s.replay])).toEqual([
      [10, { kind: 'none' }], [20, { kind: 'time', window: 5 }], [30, { kind: 'counter', window: 1024 }],
    ]);
  });

  it('reads receive-only, address, authorization and redundancy', () => {
    const { config } = parse(ks([
      ...SA, 'sa receive-only', 'address ipv4 10.0.0.1', 'authorization address ipv4 POL',
      'redundancy', ' local priority 200', ' peer address ipv4 10.0.0.2', ' peer address ipv4 10.0.0.3',
    ]));
    expect(config.ksGroups[0]!.local).toMatchObject({
      receiveOnly: true, address: '10.0.0.1', authorizationAcl: 'POL',
      redundancy: { priority: 200, peers: ['10.0.0.2', '10.0.0.3'], line: at([], 6) },
    });
  });

  it('defaults the COOP priority to 1', () => {
    const { config } = parse(ks([...SA, 'redundancy', ' peer address ipv4 10.0.0.2']));
    expect(config.ksGroups[0]!.local.redundancy).toEqual({ priority: 1, peers: ['10.0.0.2'], line: at([], 3) });
  });

  it('accepts identity address ipv4 and warns when there is no sa ipsec', () => {
    const r = parse([...PRE, 'crypto gdoi group G', ' identity address ipv4 10.9.9.9', ' server local', '  rekey authentication mypubkey rsa RK', '  rekey algorithm aes 256']);
    expect(r.config.ksGroups[0]!.identity).toBe('10.9.9.9');
    expect(r.warnings.map((w) => w.message)).toEqual(["no 'sa ipsec' block: members get no TEKs"]);
  });

  it('loads lab-range lifetimes and retransmits below the IOS minimums with a warning', () => {
    const r = parse(ks(['rekey lifetime seconds 60', 'rekey retransmit 2 number 2', ...SA]));
    expect(r.config.ksGroups[0]!.local.rekeyLifetime).toBe(60);
    expect(r.config.ksGroups[0]!.local.rekeyRetransmit).toEqual({ seconds: 2, number: 2 });
    const msgs = r.warnings.map((w) => w.message);
    expect(msgs).toContain('rekey lifetime 60 s is below the IOS minimum of 300 s (lab and test use only)');
    expect(msgs).toContain('rekey retransmit 2 s is below the IOS minimum of 10 s (lab and test use only)');
  });

  it.each([
    ['rekey algorithm aes 512', 0, /bad AES key size '512'/],
    ['rekey algorithm des', 0, /bad rekey algorithm 'des'/],
    ['rekey lifetime seconds 19', 0, /rekey lifetime 19 out of range 20-2592000/],
    ['rekey lifetime 86400', 0, /expected 'seconds', got '86400'/],
    ['rekey retransmit 0 number 2', 0, /retransmit interval 0 out of range 1-60/],
    ['rekey retransmit 10 number 11', 0, /retransmit count 11 out of range 1-10/],
    ['rekey retransmit 10 periodic', 0, /expected 'number', got 'periodic'/],
    ['rekey transport multicast', 0, /bad rekey transport 'multicast'/],
    ['rekey authentication pubkey rsa RK', 0, /expected 'mypubkey'/],
    ['rekey sig-hash algorithm md5', 0, /bad signature hash 'md5'/],
    ['rekey foo', 0, /bad rekey setting 'foo'/],
    ['sa receive-anything', 0, /bad sa option 'receive-anything'/],
    ['address ipv4 10.0.0', 0, /bad key server address '10.0.0'/],
    ['address 10.0.0.1', 0, /expected 'ipv4', got '10.0.0.1'/],
    ['authorization identity NAMES', 0, /expected 'address', got 'identity'/],
    ['pki-only', 0, /unknown or unsupported command 'pki-only' in server local/],
  ])('rejects %s', (line, i, msg) => {
    expectError(ks([line as string, ...SA]), at([], i as number), msg as RegExp);
  });

  it('rejects repeated settings', () => {
    expectError(ks(['rekey lifetime seconds 600', 'rekey lifetime seconds 700']), at([], 1), /'rekey lifetime' already set at line/);
    expectError(ks(['address ipv4 10.0.0.1', 'address ipv4 10.0.0.2']), at([], 1), /'address' already set/);
    expectError(ks([...SA, 'sa ipsec 1', ' profile P', ' match address ipv4 POL']), at([], 3), /sa ipsec 1 already defined at line/);
  });

  it.each([
    [[' profile P'], 0, /sa ipsec 1 has no 'match address ipv4 ACL'/],
    [[' match address ipv4 POL'], 0, /sa ipsec 1 has no 'profile'/],
    [[...SA.slice(1), ' replay counter window-size 2048'], 3, /replay window 2048 out of range 1-1024/],
    [[...SA.slice(1), ' replay time window-size 101'], 3, /TBAR window seconds 101 out of range 1-100/],
    [[...SA.slice(1), ' replay counter 64'], 3, /expected 'window-size'/],
    [[...SA.slice(1), ' no replay', ' replay counter window-size 64'], 4, /'replay' already set/],
    [[...SA.slice(1), ' profile P'], 3, /'profile' already set/],
    [[...SA.slice(1), ' set pfs'], 3, /unknown or unsupported command 'set pfs' in sa ipsec/],
  ])('rejects sa ipsec body %j', (body, i, msg) => {
    expectError(ks(['sa ipsec 1', ...(body as string[])]), at([], i as number), msg as RegExp);
  });

  it('rejects bad redundancy lines', () => {
    expectError(ks([...SA, 'redundancy', ' local priority 0']), at([], 4), /local priority 0 out of range 1-255/);
    expectError(ks([...SA, 'redundancy', ' local priority 5', ' local priority 6']), at([], 5), /already set at line/);
    expectError(ks([...SA, 'redundancy', ' peer address ipv4 10.0.0.2', ' peer address ipv4 10.0.0.2']), at([], 5), /COOP peer 10.0.0.2 listed twice/);
    expectError(ks([...SA, 'redundancy', ' protocol version optimize']), at([], 4), /unknown or unsupported command 'protocol version \.\.\.' in redundancy/);
  });
});

describe('server local cross references', () => {
  it('names the referencing line for missing profile, ACLs and key', () => {
    expectError(ks(['sa ipsec 1', ' profile NOPE', ' match address ipv4 POL']), at([], 1), /ipsec profile 'NOPE' is not defined/);
    expectError(ks(['sa ipsec 1', ' profile P', ' match address ipv4 NOPE']), at([], 2), /access list 'NOPE' is not defined/);
    expectError(ks([...SA, 'rekey address ipv4 NOPE']), at([], 3), /access list 'NOPE' is not defined/);
    expectError(ks([...SA, 'authorization address ipv4 NOPE']), at([], 3), /access list 'NOPE' is not defined/);
    expectError(ks([...SA, 'rekey authentication mypubkey rsa NOPE']), at([], 3), /RSA key 'NOPE' is not declared/);
  });

  it('checks the multicast rekey ACL: a permit from one host to one multicast host', () => {
    const mc = (ace: string) => ks(['rekey address ipv4 MC', ...SA], ['ip access-list extended MC', ` ${ace}`]);
    expectError(mc('deny ip any any'), at(['a', 'b'], 0), /rekey ACL MC has no permit entry/);
    expectError(mc('permit udp host 10.0.0.1 host 10.1.1.1'), L + 2, /destination must be 'host' and a multicast address/);
    expectError(mc('permit udp host 10.0.0.1 239.1.1.0 0.0.0.255'), L + 2, /destination must be 'host'/);
    expectError(mc('permit udp any host 239.1.1.1'), L + 2, /source must be 'host' \(the KS address\)/);
  });

  it('refuses TEK ACL entries that cannot become GDOI selectors, at the ACE line', () => {
    const pol = (ace: string) => [...PRE.slice(0, PSK.length), TEK[0]!, TEK[1]!, TEK[2]!, 'ip access-list extended POL', ` ${ace}`, TEK[5]!,
      'crypto gdoi group G', ' identity number 1', ' server local', ...SA.map((l) => `  ${l}`)];
    expectError(pol('permit ip 10.0.0.0 0.255.0.255 any'), L - 1, /wildcard 0.255.0.255 is not contiguous .*used by 'match address' at line 18/);
    expectError(pol('permit tcp any any range 1 2'), L - 1, /only 'eq PORT' with one port/);
    expectError(pol('deny udp any any eq 123 514'), L - 1, /only 'eq PORT' with one port/);
    const r = parse(pol('deny udp any any eq 848'));
    expect(r.warnings.map((w) => w.message)).toContain('ACL POL has no permit entry: this TEK protects no traffic');
  });

  it('refuses a TEK ACL with more deny entries than the ACL_DENY attribute can carry (2,730), at match address', () => {
    const acl = (denies: number) => [...PRE.slice(0, PSK.length), TEK[0]!, TEK[1]!, TEK[2]!, 'ip access-list extended POL',
      ...Array.from({ length: denies }, (_, i) => ` deny udp host 10.${i >> 8}.${i & 255}.1 any eq 123`), ' permit ip any any', TEK[5]!,
      'crypto gdoi group G', ' identity number 1', ' server local', ...SA.map((l) => `  ${l}`)];
    expect(parse(acl(2730)).config.ksGroups).toHaveLength(1);
    const lines = acl(2731);
    expectError(lines, lines.indexOf('   match address ipv4 POL') + 1, /ACL POL has 2731 deny entries; a TEK can carry at most 2730/);
  });
});

describe('crypto gdoi group structure', () => {
  it('rejects a group without identity, without server, with both kinds, or twice', () => {
    expectError(['crypto gdoi group G', ' server address ipv4 10.0.0.1'], 1, /GDOI group G has no identity/);
    expectError(['crypto gdoi group G', ' identity number 1'], 1, /needs 'server local' \(key server\) or 'server address ipv4 A'/);
    expectError([...ks(SA), ' server address ipv4 10.0.0.1'], L + 1, /has both 'server local' and 'server address'/);
    expectError([...ks(SA), ' client registration interface lo'], L + 7, /'client registration' applies to group members/);
    expectError([...ks(SA), 'crypto gdoi group G', ' identity number 1', ' server address ipv4 10.0.0.1'], L + 7, /GDOI group G already defined at line 13/);
    expectError(['crypto gdoi group G', ' identity number 1', ' identity number 2'], 3, /identity already set at line 2/);
    expectError(['crypto gdoi group G', ' identity number 4294967296'], 2, /group number 4294967296 out of range/);
    expectError(['crypto gdoi group G', ' identity name X'], 2, /bad identity type 'name'/);
    expectError(['crypto gdoi group ipv6 G'], 1, /IPv6 GDOI groups are not supported/);
    expectError([...ks(SA), ' server local'], L + 7, /server local already given/);
  });
});
