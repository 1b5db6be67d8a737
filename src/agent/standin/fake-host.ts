// FakeStandins: records what the stand-in host would serve; tests make it fail or die by hand.
import type { ServeRequest, StandinService } from './host-client.js';

export class FakeStandins implements StandinService {
  readonly serving = new Map<string, { req: ServeRequest; onLost: () => void }>();
  readonly log: string[] = [];
  /** An error to answer serve() with (a port in use, say). */
  fail: string | undefined;

  warmed = 0;

  warm(): void { this.warmed++; }

  async serve(key: string, req: ServeRequest, onLost: () => void): Promise<void> {
    this.log.push(`serve ${req.id.pod} ${req.ports.map((p) => `${p.port}/${p.protocol}`).join(',')}`);
    if (this.fail) throw new Error(this.fail);
    this.serving.set(key, { req, onLost });
    await new Promise((r) => setImmediate(r));
  }

  close(key: string): void {
    if (this.serving.delete(key)) this.log.push('close');
  }

  /** The host dies: every container it served hears of it, as from the real host's exit. */
  die(): void {
    const lost = [...this.serving.values()];
    this.serving.clear();
    for (const s of lost) s.onLost();
  }

  async stop(): Promise<void> { this.serving.clear(); }
}
