// One IOS-style log line per phase-1 failure, with the peer and never key material.
import { Msg } from '../log/messages.ts';
import type { Syslog } from '../log/syslog.ts';
import type { MainModeStep } from '../exchanges/main-mode.ts';

export function logPhase1Failure(log: Syslog, peer: string, f: NonNullable<MainModeStep['failure']>, auth: 'psk' | 'sig' | undefined): void {
  switch (f.mnemonic) {
    case 'IKMP_NO_PROPOSAL': log.emit(Msg.IKMP_MODE_FAILURE({ peer, mode: 'Main' })); break;
    case 'IKMP_INVAL_CERT': log.emit(Msg.IKMP_INVAL_CERT({ peer, reason: f.message })); break;
    case 'IKMP_AUTH_FAIL': case 'IKMP_NO_KEY': log.emit(Msg.IKMP_AUTH_FAIL({ peer, method: auth === 'sig' ? 3 : 1 })); break;
    default: log.emit(Msg.IKMP_BAD_MESSAGE({ peer }));
  }
}
