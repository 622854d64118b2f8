import { describe, expect, it } from 'vitest';
import { Msg } from '../../../shared/log/messages.ts';
import { Syslog } from '../../../shared/log/syslog.ts';
import { ManualClock } from '../../../shared/time/clock.ts';

const tag = (x: { facility: string; severity: number; mnemonic: string; text: string }) =>
  `%${x.facility}-${x.severity}-${x.mnemonic}: ${x.text}`;

// Lines quoted in operations.md §6 with a source tag: our builders must reproduce them exactly.
const verbatim: [string, string][] = [
  [tag(Msg.GM_REGSTER({ ks: '10.1.1.1', group: 'GET', gm: '10.0.0.2' })),
    '%CRYPTO-5-GM_REGSTER: Start registration to KS 10.1.1.1 for group GET using address 10.0.0.2'],
  [tag(Msg.GDOI_ON_OFF({ on: true })), '%CRYPTO-6-GDOI_ON_OFF: GDOI is ON'],
  [tag(Msg.GM_RECV_DELETE({ group: 'GET' })),
    '%GDOI-4-GM_RECV_DELETE: GM received delete-msg from KS in group GET. TEKs lifetime are reduced and re-registration will start before SA expiry'],
  [tag(Msg.GM_RECV_DELETE_IMMEDIATE({ group: 'GET', seconds: 57 })),
    '%GDOI-4-GM_RECV_DELETE_IMMEDIATE: GM receive REMOVAL-NOW in group GET to cleanup downloaded policy now. Re-registration will start in a randomly chosen period of 57 sec'],
  [tag(Msg.CONFIG_I()), '%SYS-5-CONFIG_I: Configured from console by console'],
  [tag(Msg.POLICY_CHANGE({ group: 'GET' })),
    "%GDOI-5-POLICY_CHANGE: GDOI group GET policy has changed. Use 'crypto gdoi ks rekey' to send a rekey, or the changes will be send in the next scheduled rekey"],
  [tag(Msg.KS_SEND_UNICAST_REKEY({ group: 'GET', ks: '10.0.8.1', seq: 3, policyReplace: true })),
    '%GDOI-5-KS_SEND_UNICAST_REKEY: Sending Unicast Rekey with policy-replace for group GET from address 10.0.8.1 with seq # 3'],
  [tag(Msg.UNAUTHORIZED_IDENTITY({ group: 'GET', reason: 'Dist. name parsing failed.', peer: '10.0.0.9' })),
    '%GDOI-1-UNAUTHORIZED_IDENTITY: Group GET received registration from unauthorized identity:  Dist. name parsing failed. Peer Address: 10.0.0.9'],
  [tag(Msg.IKMP_BAD_MESSAGE({ peer: '10.0.0.9' })),
    '%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 10.0.0.9 failed its sanity check or is malformed'],
  [tag(Msg.IKMP_MODE_FAILURE({ peer: '10.0.0.9' })),
    '%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Informational mode failed with peer at 10.0.0.9'],
  [tag(Msg.IKMP_INVAL_CERT({ peer: '10.0.0.9' })),
    '%CRYPTO-5-IKMP_INVAL_CERT: Certificate received from 10.0.0.9 is bad: certificate invalid'],
  [tag(Msg.TIMEBASED_REPLAY_FAILED({ group: 'G', src: '10.0.0.3', myPseudotime: 100, peerPseudotime: 120, window: 3 })),
    '%GDOI-4-TIMEBASED_REPLAY_FAILED: An anti replay check has failed in group G from sourceip-address 10.0.0.3. my_pseudotime is 100 secs, peer_pseudotime is 120 secs, replay_window is 3 (second)'],
  [tag(Msg.PKT_REPLAY_ERR({ connId: 7, seq: 42 })),
    '%CRYPTO-4-PKT_REPLAY_ERR: decrypt: replay check failed connection id=7, sequence number=42'],
];

describe('syslog catalogue', () => {
  it.each(verbatim)('%s', (got, want) => expect(got).toBe(want));

  it('has the inferred and project-specific forms', () => {
    expect(tag(Msg.KS_SEND_UNICAST_REKEY({ group: 'GET', ks: '10.0.8.1', seq: 4 })))
      .toBe('%GDOI-5-KS_SEND_UNICAST_REKEY: Sending Unicast Rekey for group GET from address 10.0.8.1 with seq # 4');
    expect(tag(Msg.KS_SEND_MCAST_REKEY({ group: 'GET', ks: '10.0.8.1', mcast: '239.1.1.1', seq: 5 })))
      .toBe('%GDOI-5-KS_SEND_MCAST_REKEY: Sending Multicast Rekey for group GET from address 10.0.8.1 to 239.1.1.1 with seq # 5');
    expect(tag(Msg.GM_REKEY_REJECT({ group: 'GET', ks: '10.0.8.1', reason: 'sequence number replayed' })))
      .toBe('%GDOI-4-GM_REKEY_REJECT: Rejected rekey for group GET from KS 10.0.8.1: sequence number replayed');
    expect(tag(Msg.KS_BAD_ID({ gm: '10.0.0.2', group: 'GET' })))
      .toBe('%GDOI-1-KS_BAD_ID: Registration: config mismatch between KS and the GM 10.0.0.2, in the group GET.');
    expect(tag(Msg.COOP_KS_ELECTION({ group: 'GET' })))
      .toBe('%GDOI-5-COOP_KS_ELECTION: KS entering election mode in group GET (Previous Primary = NONE)');
    expect(tag(Msg.COOP_KS_TRANS_TO_PRI({ ks: '10.0.8.1', group: 'GET', previous: '10.0.8.2' })))
      .toBe('%GDOI-5-COOP_KS_TRANS_TO_PRI: KS 10.0.8.1 in group GET transitioned to Primary (Previous Primary = 10.0.8.2)');
    expect(tag(Msg.IKMP_MODE_FAILURE({ peer: '10.0.0.9', mode: 'Main' })))
      .toBe('%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at 10.0.0.9');
    expect(Msg.GDOI_ON_OFF({ on: false }).text).toBe('GDOI is OFF');
    expect(Msg.SA_KEK_UPDATED({ spiHex: 'eeb0e9a2' }).text).toBe('SA KEK was updated 0xEEB0E9A2');
  });

  it('every builder yields a well-formed message that Syslog prints', () => {
    const lines: string[] = [];
    const log = new Syslog({ clock: new ManualClock(0), out: (l) => lines.push(l), utc: true });
    // One sample argument bag that satisfies every builder's fields.
    const any = {
      ks: '10.0.8.1', gm: '10.0.0.2', group: 'GET', reason: 'r', seq: 1, seconds: 5, on: true, spiHex: 'ab',
      src: '10.0.0.3', myPseudotime: 1, peerPseudotime: 2, window: 3, connId: 1, mcast: '239.0.0.1',
      missed: 3, keyName: 'K', peer: '10.0.0.4', what: 'w', ikeStatus: 'DOWN', method: 3, attribute: 'a',
    };
    for (const [name, build] of Object.entries(Msg)) {
      const msg = (build as (a: typeof any) => ReturnType<typeof Msg.SA_TEK_UPDATED>)(any);
      expect(msg.mnemonic).toBe(name);
      expect(msg.facility).toMatch(/^[A-Z]+$/);
      expect(msg.severity).toBeGreaterThanOrEqual(0);
      expect(msg.severity).toBeLessThanOrEqual(7);
      expect(msg.text).not.toMatch(/undefined|\$\{/);
      log.emit(msg);
    }
    expect(lines).toHaveLength(Object.keys(Msg).length);
    for (const l of lines) expect(l).toMatch(/^\*Jan {2}1 00:00:00\.000: %[A-Z]+-[0-7]-[A-Z_]+: \S/);
  });
});
