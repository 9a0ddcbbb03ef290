import type { Socket } from 'node:net';
import type { Api, BrokerState } from './context';
import { ApiKey, newDecoder, newEncoder, type Encoder } from './protocol';

/** Larger frames are treated as garbage rather than buffered (Kafka's socket.request.max.bytes is 100 MiB). */
const MAX_FRAME_BYTES = 100 * 1024 * 1024;

/**
 * One client connection: splits the byte stream into size-prefixed requests and answers them.
 * Like Kafka, requests of one connection are handled strictly one after another, so responses
 * keep request order even when a long-polling Fetch waits; clients pipeline behind it.
 */
export class ClientConnection {
  private received: Buffer = Buffer.alloc(0);
  /** Chunks of a frame still incomplete: joined once it is whole, not on every chunk. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private needed = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Socket,
    private readonly broker: BrokerState,
    private readonly apis: ReadonlyMap<number, Api>,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // Clients vanishing mid-request is routine in tests; there is nobody to report it to.
    socket.on('error', () => socket.destroy());
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.needed > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.needed) return;
      chunk = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.needed = 0;
    }
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    while (this.received.length >= 4) {
      const size = this.received.readInt32BE(0);
      if (size < 0 || size > MAX_FRAME_BYTES) {
        this.broker.warn(`closing connection from ${this.socket.remoteAddress}: invalid frame size ${size}`);
        this.close();
        return;
      }
      if (this.received.length < 4 + size) {
        this.pending = [this.received];
        this.pendingBytes = this.received.length;
        this.needed = 4 + size;
        this.received = Buffer.alloc(0);
        return;
      }
      const frame = this.received.subarray(4, 4 + size);
      this.received = this.received.subarray(4 + size);
      this.queue = this.queue.then(() => this.answer(frame));
    }
  }

  private async answer(frame: Buffer): Promise<void> {
    if (this.socket.destroyed) return;
    const request = newDecoder(frame);
    const apiKey = request.readInt16();
    const apiVersion = request.readInt16();
    const correlationId = request.readInt32();
    const clientId = request.readString() ?? '';

    const api = this.apis.get(apiKey);
    const supported = api !== undefined && apiVersion >= api.minVersion && apiVersion <= api.maxVersion;
    // An unknown ApiVersions version still gets an answer (UNSUPPORTED_VERSION) so the client can
    // fall back; for any other API a request we never advertised is a client bug: Kafka disconnects.
    if (!api || (!supported && apiKey !== ApiKey.ApiVersions)) {
      this.broker.warn(`closing connection of '${clientId}': unsupported request api key ${apiKey} v${apiVersion}`);
      this.close();
      return;
    }

    try {
      const body = await api.handle(request, {
        broker: this.broker,
        apiVersion,
        clientId,
        clientHost: this.socket.remoteAddress ?? '',
      });
      if (body) this.send(correlationId, body);
    } catch (error) {
      this.broker.warn(
        `closing connection of '${clientId}': ${api.name} v${apiVersion} failed: ${(error as Error).stack ?? String(error)}`,
      );
      this.close();
    }
  }

  private send(correlationId: number, body: Encoder): void {
    if (this.socket.destroyed) return;
    const frame = newEncoder()
      .writeInt32(body.size() + 4)
      .writeInt32(correlationId)
      .writeEncoder(body);
    this.socket.write(frame.buffer);
  }
}
