// The syslog catalogue: one typed builder per IOS message the daemons print
// (operations.md §6). Builders take only addresses, names and numbers — never key material —
// so nothing secret can reach a log line through them.
//
// Provenance per entry: VERBATIM = text as seen on IOS (operations.md §6 with its source tag);
// INFERRED = name from Cisco's message guide, wording recalled not verified; OURS = project-
// specific, no IOS equivalent known (named in the IOS style so operators can grep one way).
import type { SyslogMessage } from './syslog.ts';

type Ip = string;

const m = (facility: string, severity: number, mnemonic: string, text: string): SyslogMessage =>
  ({ facility, severity, mnemonic, text });

export const Msg = {
  // ---- Group member: registration -----------------------------------------------------------
  /** VERBATIM [LAB-EN]. IOS really spells it REGSTER. */
  GM_REGSTER: (a: { ks: Ip; group: string; gm: Ip }) =>
    m('CRYPTO', 5, 'GM_REGSTER', `Start registration to KS ${a.ks} for group ${a.group} using address ${a.gm}`),
  /** VERBATIM [LAB-EN] ("GDOI is ON"); the OFF form is INFERRED by symmetry. */
  GDOI_ON_OFF: (a: { on: boolean }) => m('CRYPTO', 6, 'GDOI_ON_OFF', `GDOI is ${a.on ? 'ON' : 'OFF'}`),
  /** VERBATIM [LAB-EN]. */
  GM_REGS_COMPL: (a: { ks: Ip; group: string; gm: Ip }) =>
    m('GDOI', 5, 'GM_REGS_COMPL', `Registration to KS ${a.ks} complete for group ${a.group} using address ${a.gm}`),
  /** OURS: registration to one KS gave up (timeout, auth or policy failure) before failover. */
  GM_REGS_FAIL: (a: { ks: Ip; group: string; gm: Ip; reason: string }) =>
    m('GDOI', 4, 'GM_REGS_FAIL', `Registration to KS ${a.ks} failed for group ${a.group} using address ${a.gm}: ${a.reason}`),
  /** VERBATIM [LAB-EN] (a lab copy reads "didn not"; we print the usual "didn't"). */
  GM_RE_REGISTER: (a: { group: string }) =>
    m('GDOI', 4, 'GM_RE_REGISTER', `The IPSec SA created for group ${a.group} may have expired/been cleared, or didn't go through. Re-register to KS.`),
  /** INFERRED wording. */
  GM_INSTALL_POLICIES_SUCCESS: (a: { ks: Ip; group: string; gm: Ip }) =>
    m('GDOI', 5, 'GM_INSTALL_POLICIES_SUCCESS', `SUCCESS: Installation of Reg/Rekey policies from KS ${a.ks} for group ${a.group} & gm identity ${a.gm}`),
  /** INFERRED wording. */
  GM_ACL_MERGE: (a: { group: string }) => m('GDOI', 5, 'GM_ACL_MERGE', `ACL between KS and GM in group ${a.group} merged.`),
  /** INFERRED wording: `clear crypto gdoi` on the GM. */
  GM_CLEAR_REGISTER: (a: { group: string }) =>
    m('GDOI', 5, 'GM_CLEAR_REGISTER', `Config: GM cleared gdoi configuration for the group ${a.group}.`),

  // ---- Group member: rekeys and removal ------------------------------------------------------
  /** INFERRED wording. */
  GM_RECV_REKEY: (a: { group: string; ks: Ip; gm: Ip; seq: number }) =>
    m('GDOI', 5, 'GM_RECV_REKEY', `Received Rekey for group ${a.group} from ${a.ks} to ${a.gm} with seq # ${a.seq}`),
  /** OURS: a rekey that failed verification (bad signature, replayed SeqNum, bad policy). */
  GM_REKEY_REJECT: (a: { group: string; ks: Ip; reason: string }) =>
    m('GDOI', 4, 'GM_REKEY_REJECT', `Rejected rekey for group ${a.group} from KS ${a.ks}: ${a.reason}`),
  /** VERBATIM [S004]. */
  GM_RECV_DELETE: (a: { group: string }) =>
    m('GDOI', 4, 'GM_RECV_DELETE', `GM received delete-msg from KS in group ${a.group}. TEKs lifetime are reduced and re-registration will start before SA expiry`),
  /** VERBATIM [S004]. */
  GM_RECV_DELETE_IMMEDIATE: (a: { group: string; seconds: number }) =>
    m('GDOI', 4, 'GM_RECV_DELETE_IMMEDIATE', `GM receive REMOVAL-NOW in group ${a.group} to cleanup downloaded policy now. Re-registration will start in a randomly chosen period of ${a.seconds} sec`),
  /** INFERRED wording. */
  SA_TEK_UPDATED: () => m('GDOI', 5, 'SA_TEK_UPDATED', 'SA TEK was updated'),
  /** INFERRED wording. The KEK SPI is an identifier, not key material. */
  SA_KEK_UPDATED: (a: { spiHex: string }) => m('GDOI', 5, 'SA_KEK_UPDATED', `SA KEK was updated 0x${a.spiHex.toUpperCase()}`),
  /** VERBATIM (bxin resiliency). */
  TIMEBASED_REPLAY_FAILED: (a: { group: string; src: Ip; myPseudotime: number; peerPseudotime: number; window: number }) =>
    m('GDOI', 4, 'TIMEBASED_REPLAY_FAILED', `An anti replay check has failed in group ${a.group} from sourceip-address ${a.src}. my_pseudotime is ${a.myPseudotime} secs, peer_pseudotime is ${a.peerPseudotime} secs, replay_window is ${a.window} (second)`),
  /** VERBATIM (bxin resiliency). */
  PKT_REPLAY_ERR: (a: { connId: number; seq: number }) =>
    m('CRYPTO', 4, 'PKT_REPLAY_ERR', `decrypt: replay check failed connection id=${a.connId}, sequence number=${a.seq}`),

  // ---- Key server ---------------------------------------------------------------------------
  /** INFERRED wording. */
  KS_REGS_COMPL: (a: { group: string; gm: Ip }) =>
    m('GDOI', 5, 'KS_REGS_COMPL', `KS completed successful registration in group ${a.group} with GM ${a.gm}.`),
  /** VERBATIM [S004] with policy-replace; the plain form is INFERRED. */
  KS_SEND_UNICAST_REKEY: (a: { group: string; ks: Ip; seq: number; policyReplace?: boolean }) =>
    m('GDOI', 5, 'KS_SEND_UNICAST_REKEY', `Sending Unicast Rekey ${a.policyReplace ? 'with policy-replace ' : ''}for group ${a.group} from address ${a.ks} with seq # ${a.seq}`),
  /** INFERRED: the unicast text plus `to <mcast>`. */
  KS_SEND_MCAST_REKEY: (a: { group: string; ks: Ip; mcast: Ip; seq: number; policyReplace?: boolean }) =>
    m('GDOI', 5, 'KS_SEND_MCAST_REKEY', `Sending Multicast Rekey ${a.policyReplace ? 'with policy-replace ' : ''}for group ${a.group} from address ${a.ks} to ${a.mcast} with seq # ${a.seq}`),
  /** INFERRED wording and severity: a GM missed too many rekey ACKs and was dropped. */
  KS_NACK_GM_EJECT: (a: { group: string; gm: Ip; missed: number }) =>
    m('GDOI', 3, 'KS_NACK_GM_EJECT', `KS has not received an ack from GM ${a.gm} in group ${a.group} for ${a.missed} rekeys. GM ejected from the group.`),
  /** INFERRED wording. */
  KS_NO_RSA_KEYS: (a: { keyName: string; group: string }) =>
    m('GDOI', 1, 'KS_NO_RSA_KEYS', `RSA Key - ${a.keyName} : Not found, Required for group ${a.group}`),
  /** Text as given in the brief (INFERRED): identity/config mismatch on registration. */
  KS_BAD_ID: (a: { gm: Ip; group: string }) =>
    m('GDOI', 1, 'KS_BAD_ID', `Registration: config mismatch between KS and the GM ${a.gm}, in the group ${a.group}.`),
  /** VERBATIM [LAB-PKI]. IOS leaves a run of spaces after "identity:" (two here; count INFERRED). */
  UNAUTHORIZED_IDENTITY: (a: { group: string; reason: string; peer: Ip }) =>
    m('GDOI', 1, 'UNAUTHORIZED_IDENTITY', `Group ${a.group} received registration from unauthorized identity:  ${a.reason} Peer Address: ${a.peer}`),
  /** VERBATIM [S004]; printed after SYS-5-CONFIG_I when a group's policy changed. */
  POLICY_CHANGE: (a: { group: string }) =>
    m('GDOI', 5, 'POLICY_CHANGE', `GDOI group ${a.group} policy has changed. Use 'crypto gdoi ks rekey' to send a rekey, or the changes will be send in the next scheduled rekey`),
  /** VERBATIM [S004] for the defaults (console/console). */
  CONFIG_I: (a: { from?: string; by?: string } = {}) =>
    m('SYS', 5, 'CONFIG_I', `Configured from ${a.from ?? 'console'} by ${a.by ?? 'console'}`),

  // ---- Cooperative key servers (operations.md §6, §8) -------------------------------------------
  /** INFERRED wording. */
  COOP_KS_ADD: (a: { ks: Ip; group: string }) =>
    m('GDOI', 5, 'COOP_KS_ADD', `${a.ks} added as a cooperative key server in group ${a.group}.`),
  /** Recalled wording (INFERRED). `previous` undefined prints NONE. */
  COOP_KS_ELECTION: (a: { group: string; previous?: Ip }) =>
    m('GDOI', 5, 'COOP_KS_ELECTION', `KS entering election mode in group ${a.group} (Previous Primary = ${a.previous ?? 'NONE'})`),
  /** Recalled wording (INFERRED). */
  COOP_KS_TRANS_TO_PRI: (a: { ks: Ip; group: string; previous?: Ip }) =>
    m('GDOI', 5, 'COOP_KS_TRANS_TO_PRI', `KS ${a.ks} in group ${a.group} transitioned to Primary (Previous Primary = ${a.previous ?? 'NONE'})`),
  /** Recalled wording (INFERRED). */
  COOP_KS_UNREACH: (a: { ks: Ip; group: string; ikeStatus: string }) =>
    m('GDOI', 3, 'COOP_KS_UNREACH', `Cooperative KS ${a.ks} Unreachable in group ${a.group}. IKE SA Status = ${a.ikeStatus}`),
  /** INFERRED wording. */
  COOP_KS_REACH: (a: { ks: Ip; group: string }) =>
    m('GDOI', 5, 'COOP_KS_REACH', `Reachability restored with Cooperative KS ${a.ks} in group ${a.group}.`),
  /** INFERRED wording; `what` names the mismatching setting. */
  COOP_CONFIG_MISMATCH: (a: { group: string; peer: Ip; what: string }) =>
    m('GDOI', 3, 'COOP_CONFIG_MISMATCH', `WARNING: Configuration mismatch between cooperative KS ${a.peer} and this KS in group ${a.group}: ${a.what}`),

  // ---- ISAKMP (phase 1) ---------------------------------------------------------------------------
  /** VERBATIM [S002]. */
  IKMP_BAD_MESSAGE: (a: { peer: Ip }) =>
    m('CRYPTO', 4, 'IKMP_BAD_MESSAGE', `IKE message from ${a.peer} failed its sanity check or is malformed`),
  /**
   * VERBATIM [S002] for Informational. Also our choice for "no acceptable proposal" as the
   * responder (`mode: 'Main'`), as IOS logs on a phase 1 policy mismatch.
   */
  IKMP_MODE_FAILURE: (a: { peer: Ip; mode?: 'Main' | 'Aggressive' | 'Quick' | 'Informational' }) =>
    m('CRYPTO', 6, 'IKMP_MODE_FAILURE', `Processing of ${a.mode ?? 'Informational'} mode failed with peer at ${a.peer}`),
  /** VERBATIM [S002]; reason e.g. `certificate invalid` or `CA request failed!`. */
  IKMP_INVAL_CERT: (a: { peer: Ip; reason?: string }) =>
    m('CRYPTO', 5, 'IKMP_INVAL_CERT', `Certificate received from ${a.peer} is bad: ${a.reason ?? 'certificate invalid'}`),
  /** INFERRED wording: a non-initial message for an SA we do not have. */
  IKMP_NO_SA: (a: { peer: Ip }) =>
    m('CRYPTO', 4, 'IKMP_NO_SA', `IKE message from ${a.peer} has no SA and is not an initialization offer`),
  /** INFERRED wording; method is the IKE auth method number (RFC 2409 App. A: 1 PSK, 3 RSA sig). */
  IKMP_AUTH_FAIL: (a: { peer: Ip; method: number }) =>
    m('CRYPTO', 6, 'IKMP_AUTH_FAIL', `Authentication method ${a.method} failed with host ${a.peer}`),
  /** INFERRED wording: a GDOI/quick exchange arrived before phase 1 authenticated. */
  IKMP_SA_NOT_AUTH: (a: { peer: Ip }) =>
    m('CRYPTO', 6, 'IKMP_SA_NOT_AUTH', `Cannot accept Quick Mode exchange from ${a.peer} if SA is not authenticated!`),
  /** INFERRED wording: as initiator, the responder chose something we did not offer. */
  IKMP_SA_NOT_OFFERED: (a: { peer: Ip; attribute: string }) =>
    m('CRYPTO', 6, 'IKMP_SA_NOT_OFFERED', `Remote peer ${a.peer} responded with attribute ${a.attribute} not offered or changed`),
} satisfies Record<string, (a: never) => SyslogMessage>;

export type MsgName = keyof typeof Msg;
