/**
 * An in-process KurrentDB stand-in: a real gRPC server on a TCP port (the client's native reader
 * opens its own HTTP/2 connection, so nothing in-process would do) serving the client's own
 * generated service definitions over an in-memory log.
 */
import type { Server as NetServer, Socket } from 'node:net';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { readGossip } from './gossip';
import { InMemoryLog } from './log';
import { GossipService, ServerFeaturesService, StreamsService } from './proto';
import { getSupportedMethods } from './server-features';
import { append, batchAppend } from './streams-append';
import { deleteStream, tombstoneStream } from './streams-delete';
import { read } from './streams-read';

export interface KurrentDbTestServerOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Advertise Streams.BatchAppend in ServerFeatures (default true, like a real 21.10+ node). */
  readonly batchAppend?: boolean;
  /** MaxAppendSize in bytes (default 1 MiB, the server's default). */
  readonly maxAppendSize?: number;
  /** Seed the system records a fresh node has in $all (default true). */
  readonly systemEvents?: boolean;
}

export interface KurrentDbTestServer {
  readonly connectionString: string;
  readonly port: number;
  /** Drops every connection and call at once, as a crashing node would. */
  stop(): Promise<void>;
  /** stop() then listen again on the same port with the same in-memory data. */
  restart(): Promise<void>;
  /** Calls received so far, by `Service/Method` (e.g. `Streams/BatchAppend`); subscriptions count as `Streams/Subscribe`. */
  callCount(method: string): number;
}

const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

export async function startKurrentDbTestServer(options: KurrentDbTestServerOptions = {}): Promise<KurrentDbTestServer> {
  const host = options.host ?? '127.0.0.1';
  const log = new InMemoryLog({ systemEvents: options.systemEvents });
  const active = new Set<() => void>();
  const batch = options.batchAppend ?? true;
  const maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
  let port = options.port ?? 0;
  let server: Server | undefined;
  const calls = new Map<string, number>();
  type Request = { getOptions?(): { hasSubscription?(): boolean } | undefined };
  const counted = <H extends (...args: never[]) => void>(service: string, method: string, handler: H): H =>
    ((...args: Parameters<H>) => {
      const request = (args[0] as { request?: Request }).request;
      const name = `${service}/${method === 'Read' && request?.getOptions?.()?.hasSubscription?.() ? 'Subscribe' : method}`;
      calls.set(name, (calls.get(name) ?? 0) + 1);
      handler(...args);
    }) as H;

  const listen = async (): Promise<void> => {
    const next = new Server({
      'grpc.max_receive_message_length': 32 * 1024 * 1024,
      'grpc.max_send_message_length': 32 * 1024 * 1024,
    });
    next.addService(StreamsService, {
      read: counted('Streams', 'Read', read({ log, active })),
      append: counted('Streams', 'Append', append({ log, maxAppendSize })),
      batchAppend: counted('Streams', 'BatchAppend', batchAppend({ log, maxAppendSize })),
      delete: counted('Streams', 'Delete', deleteStream(log)),
      tombstone: counted('Streams', 'Tombstone', tombstoneStream(log)),
    });
    next.addService(ServerFeaturesService, {
      getSupportedMethods: counted(
        'ServerFeatures',
        'GetSupportedMethods',
        getSupportedMethods({ batchAppend: batch }),
      ),
    });
    next.addService(GossipService, {
      read: counted(
        'Gossip',
        'Read',
        readGossip(() => ({ host, port })),
      ),
    });
    port = await bindWithRetry(next, `${host.includes(':') ? `[${host}]` : host}:${port}`);
    disableNagle(next);
    server = next;
  };

  const stop = async (): Promise<void> => {
    for (const end of [...active]) end();
    const current = server;
    server = undefined;
    current?.forceShutdown();
  };

  await listen();
  const address = host.includes(':') ? `[${host}]` : host;
  return {
    connectionString: `kurrentdb://${address}:${port}?tls=false`,
    port,
    stop,
    async restart() {
      await stop();
      await listen();
    },
    callCount: (method) => calls.get(method) ?? 0,
  };
}

/**
 * Node's HTTP/2 server leaves Nagle's algorithm on, which holds small responses back ~40 ms
 * against the client's delayed ACKs; KurrentDB (Kestrel) sends with TCP_NODELAY. grpc-js has no
 * option for it, so reach its listening servers (a private field; skipped if it ever changes).
 */
function disableNagle(server: Server): void {
  const listeners = (server as unknown as { http2Servers?: Map<NetServer, unknown> }).http2Servers;
  if (!(listeners instanceof Map)) return;
  for (const listener of listeners.keys()) {
    listener.on('connection', (socket: Socket) => socket.setNoDelay(true));
  }
}

/** Rebinding the port a moment after a shutdown can race the old listener's close. */
async function bindWithRetry(server: Server, address: string): Promise<number> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await new Promise<number>((resolve, reject) =>
        server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) =>
          error ? reject(error) : resolve(port),
        ),
      );
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
