// Keeps a file at the latest of many quick successive states without writing
// each one: at most one write (temp file, then rename) is in flight, off the
// event loop, and whatever changed meanwhile goes out in one write after it.
// A rename over an existing file on ext4 starts writeback of the new one, a
// millisecond or more each, which the agent paid for every pod of a burst.
import { rename, writeFile } from 'node:fs/promises';

export class LatestFile {
  private pending: (() => string) | undefined;
  private writing: Promise<void> | undefined;

  constructor(private readonly path: string, private readonly onError: (e: Error) => void = () => {}) {}

  /** Schedules a write of what render() returns when the write starts. */
  save(render: () => string): void {
    this.pending = render;
    this.writing ??= this.drain();
  }

  /** Resolves once everything saved so far is on disk (or failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    // Saves of the same tick go out as one write.
    await null;
    while (this.pending) {
      const render = this.pending;
      this.pending = undefined;
      try {
        await writeFile(`${this.path}.tmp`, render());
        await rename(`${this.path}.tmp`, this.path);
      } catch (e) {
        this.onError(e as Error);
      }
    }
    this.writing = undefined;
  }
}
