// This project's private-use payloads (RFC 2408 §3.1 reserves 128-255), docs/wire.md:
//   GETVPN_CTRL (200): attributes (ACTION, GRACE_SECONDS, TARGET, REREGISTER_WINDOW) - GM
//     removal / policy replace instructions inside a signed PUSH.
//   COOP_ANN (201): attributes - key-server announcements in the COOP exchange (242).
// Both bodies are a bare attribute list.
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { CoopAnnPayload, GetvpnCtrlPayload } from '../types.ts';
import { decodeAttributes, encodeAttributes } from '../attributes.ts';

export function encodeGetvpnCtrl(p: GetvpnCtrlPayload, w: Writer): void {
  encodeAttributes(p.attributes, w);
}
export function decodeGetvpnCtrl(r: Reader): GetvpnCtrlPayload {
  return { type: 200, attributes: decodeAttributes(r) };
}

export function encodeCoopAnn(p: CoopAnnPayload, w: Writer): void {
  encodeAttributes(p.attributes, w);
}
export function decodeCoopAnn(r: Reader): CoopAnnPayload {
  return { type: 201, attributes: decodeAttributes(r) };
}
