/**
 * An in-process KurrentDB stand-in: a real gRPC server on a TCP port (the client's native reader
 * opens its own HTTP/2 connection, so nothing in-process would do) serving the client's own
 * generated service definitions over an in-memory log.
 */
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

  const listen = async (): Promise<void> => {
    const next = new Server({
      'grpc.max_receive_message_length': 32 * 1024 * 1024,
      'grpc.max_send_message_length': 32 * 1024 * 1024,
    });
    next.addService(StreamsService, {
      read: read({ log, active }),
      append: append({ log, maxAppendSize }),
      batchAppend: batchAppend({ log, maxAppendSize }),
      delete: deleteStream(log),
      tombstone: tombstoneStream(log),
    });
    next.addService(ServerFeaturesService, { getSupportedMethods: getSupportedMethods({ batchAppend: batch }) });
    next.addService(GossipService, { read: readGossip(() => ({ host, port })) });
    port = await bindWithRetry(next, `${host.includes(':') ? `[${host}]` : host}:${port}`);
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
  };
}

/** Rebinding the port a moment after a shutdown can race the old listener's close. */
async function bindWithRetry(server: Server, address: string): Promise<number> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await new Promise<number>((resolve, reject) =>
        server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
      );
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
