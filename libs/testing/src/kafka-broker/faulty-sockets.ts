import { connect, Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/**
 * A kafkajs socketFactory that can fail on demand, to test crash and retry paths:
 * - kill(): the client goes silent like a crashed process: open sockets are destroyed and new
 *   connections fail, so it never sends LeaveGroup and the broker must expire its session.
 * - dropNextResponse(apiKey): the next response to that API is swallowed and the connection
 *   closed, so the client retries a request the broker already handled (e.g. a Produce).
 */
export interface FaultySockets {
  readonly socketFactory: ISocketFactory;
  kill(): void;
  /** Resolves once a response was dropped. */
  dropNextResponse(apiKey: number): Promise<void>;
}

interface PendingDrop {
  readonly apiKey: number;
  readonly dropped: () => void;
}

export function createFaultySockets(): FaultySockets {
  const open = new Set<Socket>();
  let killed = false;
  let pendingDrop: PendingDrop | null = null;

  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    if (killed) {
      const socket = new Socket();
      process.nextTick(() => socket.destroy(new Error('connection refused: client killed by test')));
      return socket;
    }
    const socket = connect({ host, port }, onConnect);
    open.add(socket);
    socket.on('close', () => open.delete(socket));

    // Requests to watch: kafkajs writes each request as a single buffer (size, api key, version, correlation id).
    const watched = new Map<number, PendingDrop>();
    const write = socket.write.bind(socket) as (chunk: Buffer, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: Buffer, ...rest: unknown[]) => {
      if (pendingDrop && Buffer.isBuffer(chunk) && chunk.length >= 12 && chunk.readInt16BE(4) === pendingDrop.apiKey) {
        watched.set(chunk.readInt32BE(8), pendingDrop);
        pendingDrop = null;
      }
      return write(chunk, ...rest);
    }) as Socket['write'];

    // Responses pass through frame by frame, so one can be held back by correlation id.
    let received = Buffer.alloc(0);
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event !== 'data') return emit(event, ...args);
      received = Buffer.concat([received, args[0] as Buffer]);
      while (received.length >= 8 && received.length >= 4 + received.readInt32BE(0)) {
        const size = 4 + received.readInt32BE(0);
        const frame = received.subarray(0, size);
        received = received.subarray(size);
        const drop = watched.get(frame.readInt32BE(4));
        if (drop) {
          socket.destroy(new Error('response dropped by test'));
          drop.dropped();
          return true;
        }
        emit('data', frame);
      }
      return true;
    }) as Socket['emit'];

    return socket;
  };

  return {
    socketFactory,
    kill() {
      killed = true;
      // With an error, so kafkajs notices at once (a bare destroy() emits only 'close', which it ignores).
      for (const socket of open) socket.destroy(new Error('connection lost: client killed by test'));
    },
    dropNextResponse(apiKey) {
      return new Promise((resolve) => {
        pendingDrop = { apiKey, dropped: resolve };
      });
    },
  };
}
