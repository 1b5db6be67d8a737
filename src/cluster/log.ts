// up's log file: one line per event, children's output prefixed with their name.
import { createWriteStream, type WriteStream } from 'node:fs';

export class UpLog {
  private readonly stream: WriteStream;
  constructor(readonly path: string, private readonly echo?: (line: string) => void) {
    this.stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  }

  line(source: string, text: string): void {
    const l = `${new Date().toISOString()} [${source}] ${text}`;
    this.stream.write(`${l}\n`);
    this.echo?.(l);
  }

  /** A sink for a child's stdout/stderr that splits into prefixed lines. */
  sink(source: string): (chunk: Buffer | string) => void {
    let buf = '';
    return (chunk) => {
      buf += String(chunk);
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        this.line(source, buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      if (buf.length > 64 * 1024) {
        this.line(source, buf);
        buf = '';
      }
    };
  }

  close(): Promise<void> {
    return new Promise((r) => this.stream.end(() => r()));
  }
}
