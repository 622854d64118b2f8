// The private TEK attribute ACL_DENY (32003, docs/wire.md §5.7): the deny ACEs of a TEK's
// `match address` ACL, so a GM knows which traffic the KS's ACL leaves in the clear and where
// each deny sits among the TEK's permit selectors (the ACL is read in order). Pure codec.
//
// Value: one 24-octet entry per deny ACE, in ACL order:
//   before (2)  protocol (1)  reserved = 0 (1)
//   src address (4)  src mask (4)  src port (2)
//   dst address (4)  dst mask (4)  dst port (2)
import { DecodeError, VerifyError } from '../errors.ts';
import { bytesToIpv4, ipv4ToBytes } from '../wire/id-data.ts';
import type { DenyAce, TrafficSelector } from './group-policy.ts';

export const DENY_ACE_OCTETS = 24;
/** The most an attribute value (16-bit length) can hold. */
export const MAX_DENY_ACES = Math.floor(0xffff / DENY_ACE_OCTETS);

export function encodeDenyAces(denies: readonly DenyAce[]): Buffer {
  if (denies.length > MAX_DENY_ACES) throw new VerifyError('BAD_POLICY', `${denies.length} deny ACEs in one TEK; at most ${MAX_DENY_ACES} fit`);
  const out = Buffer.alloc(denies.length * DENY_ACE_OCTETS);
  denies.forEach((d, i) => {
    const o = i * DENY_ACE_OCTETS;
    out.writeUInt16BE(d.before, o);
    out[o + 2] = d.selector.protocol;
    writeEnd(out, o + 4, d.selector.src);
    writeEnd(out, o + 14, d.selector.dst);
  });
  return out;
}

function writeEnd(out: Buffer, o: number, e: TrafficSelector['src']): void {
  ipv4ToBytes(e.addr).copy(out, o);
  ipv4ToBytes(e.mask).copy(out, o + 4);
  out.writeUInt16BE(e.port, o + 8);
}

/**
 * The deny ACEs of a TEK with `permits` permit selectors. Malformed values throw DecodeError
 * (offsets within the attribute value); entries out of order or past the permits, VerifyError.
 */
export function decodeDenyAces(value: Buffer, permits: number): DenyAce[] {
  if (value.length === 0 || value.length % DENY_ACE_OCTETS !== 0) {
    throw new DecodeError('BAD_LENGTH', 0, `ACL_DENY value is ${value.length} octets, not a positive multiple of ${DENY_ACE_OCTETS}`, 'ACL_DENY');
  }
  const out: DenyAce[] = [];
  for (let o = 0; o < value.length; o += DENY_ACE_OCTETS) {
    const before = value.readUInt16BE(o);
    if (value[o + 3] !== 0) throw new DecodeError('BAD_VALUE', o + 3, 'ACL_DENY reserved octet is not zero', 'ACL_DENY');
    if (before > permits) throw new VerifyError('BAD_POLICY', `deny ACE ${out.length + 1} is placed after permit ${before}, but the TEK has ${permits}`);
    if (out.length && before < out[out.length - 1]!.before) throw new VerifyError('BAD_POLICY', `deny ACE ${out.length + 1} is out of ACL order`);
    out.push({ before, selector: { protocol: value[o + 2]!, src: readEnd(value, o + 4), dst: readEnd(value, o + 14) } });
  }
  return out;
}

function readEnd(v: Buffer, o: number): TrafficSelector['src'] {
  return { addr: bytesToIpv4(v.subarray(o, o + 4)), mask: bytesToIpv4(v.subarray(o + 4, o + 8)), port: v.readUInt16BE(o + 8) };
}
