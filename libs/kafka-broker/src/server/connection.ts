import { Socket } from 'node:net';
import { ApiKey, SUPPORTED_VERSIONS, apiName, isFlexibleRequest } from '../protocol/api-keys';
import { MalformedRequestError } from '../protocol/protocol-error';
import { ProtocolReader } from '../protocol/reader';
import { ProtocolWriter } from '../protocol/writer';
import { unsupportedApiVersionsResponse } from '../handlers/api-versions';
import { HANDLERS } from '../handlers';
import { BrokerContext, ConnectionHandle, RequestContext } from '../handlers/request-context';

/** api_key + api_version + correlation_id + client_id length: the smallest possible request header. */
const MIN_FRAME = 10;

interface ResponseSlot {
  correlationId: number;
  /** undefined while the handler is still working; null when the request gets no response (acks=0). */
  body: Buffer[] | null | undefined;
}

/**
 * One client connection. Splits the byte stream into size-prefixed frames, dispatches each to its handler, and
 * writes responses strictly in request order (the protocol requires it; a long-poll fetch therefore delays the
 * responses queued behind it, exactly as on Kafka). Memory is bounded per connection: reading pauses while too
 * many responses are pending or the client is not reading what was written. Anything malformed closes this
 * connection with a log line and never affects the others.
 */
export class Connection implements ConnectionHandle {
  private parts: Buffer[] = [];
  private buffered = 0;
  private needed = 4;
  private readonly slots: ResponseSlot[] = [];
  private readonly closeListeners: (() => void)[] = [];
  private closedFlag = false;
  private processing = false;
  private readonly clientHost: string;
  private readonly localHost: string;

  constructor(
    private readonly socket: Socket,
    private readonly broker: BrokerContext,
  ) {
    this.clientHost = normaliseAddress(socket.remoteAddress ?? 'unknown');
    this.localHost = normaliseAddress(socket.localAddress ?? '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', (err) => broker.logger.debug({ client: this.clientHost, err: err.message }, 'connection error'));
    socket.on('close', () => this.onClosed());
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  onClose(listener: () => void): void {
    if (this.closedFlag) listener();
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.socket.destroy();
  }

  private onClosed(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const l of this.closeListeners.splice(0)) l();
  }

  private reject(reason: string, details: object = {}): void {
    this.broker.logger.warn({ client: this.clientHost, ...details, reason }, 'closing connection after a bad request');
    this.parts = [];
    this.buffered = 0;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closedFlag || this.socket.destroyed) return;
    this.parts.push(chunk);
    this.buffered += chunk.length;
    this.processInput();
  }

  /**
   * True while this connection must not take more requests: too many responses are pending, or the client is
   * not reading what was already written. Checked before every frame, not just per chunk: one chunk can hold
   * hundreds of small requests, each of which may produce a large response.
   */
  private get blocked(): boolean {
    return this.slots.length >= this.broker.options.maxInFlightRequestsPerConnection || this.socket.writableNeedDrain;
  }

  private processInput(): void {
    if (this.processing) return; // re-entered from a response flush; the outer loop carries on
    this.processing = true;
    try {
      while (!this.blocked && this.buffered >= this.needed && !this.socket.destroyed) {
        // Chunks are joined only once a whole frame is there, so a large frame is copied once, not per chunk.
        const buf = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.buffered);
        let pos = 0;
        this.needed = 4;
        while (buf.length - pos >= 4 && !this.blocked) {
          const size = buf.readInt32BE(pos);
          if (size < MIN_FRAME || size > this.broker.options.maxRequestBytes) {
            return this.reject(`frame size ${size} is outside [${MIN_FRAME}, ${this.broker.options.maxRequestBytes}]`);
          }
          if (buf.length - pos - 4 < size) {
            this.needed = 4 + size;
            break;
          }
          const frame = buf.subarray(pos + 4, pos + 4 + size);
          pos += 4 + size;
          this.handleFrame(frame);
          if (this.socket.destroyed) return;
        }
        const rest = pos < buf.length ? buf.subarray(pos) : null;
        this.parts = rest ? [rest] : [];
        this.buffered = rest ? rest.length : 0;
      }
    } finally {
      this.processing = false;
    }
    if (this.socket.destroyed) return;
    if (this.blocked) this.socket.pause();
    else this.socket.resume();
  }

  private handleFrame(frame: Buffer): void {
    const r = new ProtocolReader(frame);
    let apiKey = -1;
    let apiVersion = -1;
    let correlationId = -1;
    try {
      apiKey = r.int16();
      apiVersion = r.int16();
      correlationId = r.int32();
      const clientId = r.nullableString() ?? '';
      const handler = HANDLERS.get(apiKey);
      const range = SUPPORTED_VERSIONS.get(apiKey);
      if (!handler || !range) {
        return this.reject(`unknown API key ${apiKey}`, { apiKey, apiVersion, clientId });
      }
      if (apiVersion < range.min || apiVersion > range.max) {
        if (apiKey === ApiKey.ApiVersions) return this.respond(correlationId, unsupportedApiVersionsResponse());
        return this.reject(`${apiName(apiKey)} v${apiVersion} is not supported (v${range.min}-v${range.max} are)`, { apiKey, apiVersion, clientId });
      }
      if (isFlexibleRequest(apiKey, apiVersion)) r.skipTaggedFields();
      const ctx: RequestContext = {
        broker: this.broker,
        apiKey,
        apiVersion,
        correlationId,
        clientId,
        clientHost: this.clientHost,
        advertisedHost: this.broker.options.advertisedHost ?? this.localHost,
        connection: this,
      };
      const result = handler(ctx, r);
      if (result instanceof Promise) {
        const slot: ResponseSlot = { correlationId, body: undefined };
        this.slots.push(slot);
        result.then(
          (w) => this.complete(slot, w),
          (err) => this.failed(err, apiKey, apiVersion),
        );
      } else {
        this.respond(correlationId, result);
      }
    } catch (err) {
      this.failed(err, apiKey, apiVersion);
    }
  }

  private failed(err: unknown, apiKey: number, apiVersion: number): void {
    if (err instanceof MalformedRequestError) {
      return this.reject(`malformed ${apiName(apiKey)} v${apiVersion} request: ${err.message}`, { apiKey, apiVersion });
    }
    this.broker.logger.error({ client: this.clientHost, apiKey, apiVersion, err }, 'request handler failed');
    this.socket.destroy();
  }

  private respond(correlationId: number, w: ProtocolWriter | null): void {
    this.complete({ correlationId, body: undefined }, w, true);
  }

  private complete(slot: ResponseSlot, w: ProtocolWriter | null, enqueue = false): void {
    slot.body = w ? w.finish() : null;
    if (enqueue) this.slots.push(slot);
    this.flush();
  }

  /** Writes every finished response at the head of the queue. */
  private flush(): void {
    if (this.socket.destroyed) {
      this.slots.length = 0;
      return;
    }
    let wrote = false;
    while (this.slots.length > 0 && this.slots[0].body !== undefined) {
      const slot = this.slots.shift()!;
      const body = slot.body;
      if (!body) continue;
      if (!wrote) this.socket.cork();
      wrote = true;
      let size = 4;
      for (const b of body) size += b.length;
      const head = Buffer.allocUnsafe(8);
      head.writeInt32BE(size, 0);
      head.writeInt32BE(slot.correlationId, 4);
      this.socket.write(head);
      for (const b of body) this.socket.write(b);
    }
    if (wrote) this.socket.uncork();
    this.maybeResume();
  }

  /** After a response went out or the socket drained: take the requests that waited, if any. */
  private maybeResume(): void {
    if (!this.blocked && !this.socket.destroyed) this.processInput();
  }
}

function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
