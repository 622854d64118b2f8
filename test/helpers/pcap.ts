// Writes a classic libpcap file (not pcapng) of IPv4/UDP datagrams so tshark can read what
// our codec produced. Link type 101 (LINKTYPE_RAW): each record is a bare IPv4 packet, so no
// fake Ethernet addresses are needed.
import { writeFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';

export interface UdpPacket {
  src: string;          // dotted IPv4
  dst: string;
  sport: number;
  dport: number;
  payload: Buffer;
  /** Capture time in ms since the epoch; defaults to 1 ms after the previous packet. */
  tsMs?: number;
}

export const LINKTYPE_RAW = 101;
const PCAP_MAGIC = 0xa1b2c3d4;      // microsecond timestamps
const IPV4_HEADER = 20;
const UDP_HEADER = 8;
const MAX_UDP_PAYLOAD = 0xffff - IPV4_HEADER - UDP_HEADER;

function ipv4Bytes(addr: string): Buffer {
  if (!isIPv4(addr)) throw new RangeError(`not an IPv4 address: ${addr}`);
  return Buffer.from(addr.split('.').map(Number));
}

/** RFC 1071 one's-complement sum of 16-bit words, folded. */
function onesComplementSum(bufs: Buffer[]): number {
  let sum = 0;
  for (const b of bufs) {
    for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
    if (b.length % 2) sum += b[b.length - 1]! << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function checksum(bufs: Buffer[]): number {
  return ~onesComplementSum(bufs) & 0xffff;
}

/** One IPv4 packet (RFC 791) carrying one UDP datagram (RFC 768), both checksums correct. */
export function ipv4Udp(p: UdpPacket, ipId = 0): Buffer {
  if (p.payload.length > MAX_UDP_PAYLOAD) throw new RangeError(`UDP payload too large: ${p.payload.length}`);
  const src = ipv4Bytes(p.src);
  const dst = ipv4Bytes(p.dst);
  const udpLength = UDP_HEADER + p.payload.length;

  const ip = Buffer.alloc(IPV4_HEADER);
  ip[0] = 0x45;                                   // version 4, IHL 5
  ip.writeUInt16BE(IPV4_HEADER + udpLength, 2);
  ip.writeUInt16BE(ipId & 0xffff, 4);
  ip.writeUInt16BE(0x4000, 6);                    // DF, no fragments
  ip[8] = 64;                                     // TTL
  ip[9] = 17;                                     // UDP
  src.copy(ip, 12);
  dst.copy(ip, 16);
  ip.writeUInt16BE(checksum([ip]), 10);

  const udp = Buffer.alloc(UDP_HEADER);
  udp.writeUInt16BE(p.sport, 0);
  udp.writeUInt16BE(p.dport, 2);
  udp.writeUInt16BE(udpLength, 4);
  const pseudo = Buffer.concat([src, dst, Buffer.from([0, 17]), Buffer.from([udpLength >> 8, udpLength & 0xff])]);
  const sum = checksum([pseudo, udp, p.payload]);
  udp.writeUInt16BE(sum === 0 ? 0xffff : sum, 6); // RFC 768: a computed 0 is sent as all ones

  return Buffer.concat([ip, udp, p.payload]);
}

/** The whole pcap file as bytes (little-endian headers, as libpcap writes on x86). */
export function encodePcap(packets: UdpPacket[]): Buffer {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(PCAP_MAGIC, 0);
  global.writeUInt16LE(2, 4);                     // version 2.4
  global.writeUInt16LE(4, 6);
  global.writeInt32LE(0, 8);                      // thiszone
  global.writeUInt32LE(0, 12);                    // sigfigs
  global.writeUInt32LE(0xffff, 16);               // snaplen
  global.writeUInt32LE(LINKTYPE_RAW, 20);

  const parts: Buffer[] = [global];
  let ts = Date.UTC(2025, 0, 1);
  packets.forEach((p, i) => {
    ts = p.tsMs ?? ts + 1;
    const frame = ipv4Udp(p, i + 1);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(ts / 1000), 0);
    rec.writeUInt32LE((ts % 1000) * 1000, 4);
    rec.writeUInt32LE(frame.length, 8);           // captured length
    rec.writeUInt32LE(frame.length, 12);          // original length
    parts.push(rec, frame);
  });
  return Buffer.concat(parts);
}

/** Writes `packets` to `path` as a classic pcap file. */
export function writePcap(path: string, packets: UdpPacket[]): void {
  writeFileSync(path, encodePcap(packets));
}
