import { Socket, connect } from 'node:net';

/** A bare TCP client for sending hand-made (and deliberately broken) frames to the broker. */
export class RawClient {
  private received = Buffer.alloc(0);
  private closedFlag = false;
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => {
      this.received = Buffer.concat([this.received, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Frames a request: size, api key, version, correlation id, client id, body. */
  static frame(apiKey: number, version: number, correlationId: number, body: Buffer = Buffer.alloc(0), clientId = 'raw'): Buffer {
    const id = Buffer.from(clientId);
    const head = Buffer.alloc(4 + 2 + 2 + 4 + 2);
    head.writeInt32BE(10 + id.length + body.length, 0);
    head.writeInt16BE(apiKey, 4);
    head.writeInt16BE(version, 6);
    head.writeInt32BE(correlationId, 8);
    head.writeInt16BE(id.length, 12);
    return Buffer.concat([head, id, body]);
  }

  /** Waits for one whole response frame (returned without its size prefix), or null if the connection closes. */
  async response(timeoutMs = 5000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.received.length >= 4) {
        const size = this.received.readInt32BE(0);
        if (this.received.length >= 4 + size) {
          const frame = this.received.subarray(4, 4 + size);
          this.received = this.received.subarray(4 + size);
          return frame;
        }
      }
      if (this.closedFlag) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no response and no close');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Resolves true once the broker has closed the connection. */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedFlag && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closedFlag;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
