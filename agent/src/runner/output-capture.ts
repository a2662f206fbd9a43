import type { Readable } from 'node:stream';

/**
 * Keeps the first `cap` bytes of a stream and counts the rest. Reading never pauses, so a chatty
 * script cannot block on a full pipe however much it writes past the cap.
 */
export class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private total = 0;

  constructor(private readonly cap: number) {}

  attach(stream: Readable | null): void {
    stream?.on('data', (chunk: Buffer) => this.write(chunk));
  }

  write(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.cap - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.total > this.kept;
  }

  get totalBytes(): number {
    return this.total;
  }

  /** The kept bytes as UTF-8; a character cut at the cap is dropped rather than mangled. */
  text(): string {
    const buffer = Buffer.concat(this.chunks, this.kept);
    return new TextDecoder('utf-8', { fatal: false }).decode(this.truncated ? trimIncompleteUtf8(buffer) : buffer);
  }
}

/** Drops a trailing partial UTF-8 sequence. */
function trimIncompleteUtf8(buffer: Buffer): Buffer {
  let i = buffer.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (buffer[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return buffer;
  const lead = buffer[i]!;
  const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return needed > continuation ? buffer.subarray(0, i) : buffer;
}
