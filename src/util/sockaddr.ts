// struct sockaddr_in for the raw socket calls made through koffi: the family in
// host byte order, the port and address in network order.
import { endianness } from 'node:os';

export const AF_INET = 2;

export function sockaddrIn(ip: string, port: number): Buffer {
  const b = Buffer.alloc(16);
  if (endianness() === 'LE') b.writeUInt16LE(AF_INET, 0); else b.writeUInt16BE(AF_INET, 0);
  b.writeUInt16BE(port, 2);
  ip.split('.').forEach((o, i) => { b[4 + i] = Number(o); });
  return b;
}
