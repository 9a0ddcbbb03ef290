/**
 * A stand-in KurrentDB for local development: the in-memory test server on 127.0.0.1:2113 (the
 * real server's default port). Data lives until the process exits.
 *   node -r @swc-node/register scripts/dev-kurrentdb.ts   (PORT, HOST, BATCH_APPEND=0 to override)
 */
import { startKurrentDbTestServer } from '@registry/testing/kurrentdb-server';

async function main(): Promise<void> {
  const server = await startKurrentDbTestServer({
    host: process.env.HOST ?? '127.0.0.1',
    port: Number(process.env.PORT ?? 2113),
    batchAppend: process.env.BATCH_APPEND !== '0',
  });
  console.log(`KurrentDB test server listening: ${server.connectionString}`);
  const shutdown = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
