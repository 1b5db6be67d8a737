// A loopback port free for both UDP and TCP, for a DNS server under test: a
// port only probed as free for UDP may be a TCP client's ephemeral port.
import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';

export async function portFreeForUdpAndTcp(): Promise<number> {
  for (;;) {
    const tcp = createServer();
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    const port = (tcp.address() as AddressInfo).port;
    const udp = createSocket('udp4');
    const ok = await new Promise<boolean>((r) => { udp.once('error', () => r(false)); udp.bind(port, '127.0.0.1', () => r(true)); });
    udp.close();
    await new Promise((r) => tcp.close(r));
    if (ok) return port;
  }
}
