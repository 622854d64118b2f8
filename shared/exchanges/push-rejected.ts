// The one error a received GROUPKEY-PUSH or GROUPKEY-PUSH-ACK is dropped with.
import { GdoiError } from '../errors.ts';

export type PushRejectReason = 'MALFORMED' | 'WRONG_SPI' | 'UNDECRYPTABLE' | 'BAD_SIGNATURE' | 'NOT_PUSH';

/** Why a received PUSH (or ack) was dropped; `code` is the reason. */
export class PushRejected extends GdoiError {
  constructor(readonly reason: PushRejectReason, message: string) {
    super(reason, message);
  }
}

export function reject(reason: PushRejectReason, message: string): never {
  throw new PushRejected(reason, message);
}
