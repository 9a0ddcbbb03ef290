import '../tracing';
import { parentPort } from 'node:worker_threads';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { BackgroundModule } from './background.module';
import type { FromBackground, ToBackground } from './background-thread';

/**
 * The background thread's code: the projector, the procedure runner and the relay started as
 * their own processes start them, then stopped when the API's thread says so. Signals reach the
 * process's main thread only; it relays a stop here once the HTTP server has closed.
 */
async function run(): Promise<void> {
  const app = await NestFactory.createApplicationContext(BackgroundModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  parentPort!.once('message', (message: ToBackground) => {
    if (message.kind !== 'stop') return;
    app.get(Logger).log('stopping: the projector, procedure runner and relay end their batches', 'BackgroundThread');
    // The batches in flight end and their checkpoints commit; then the thread ends, handles or not.
    void app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  parentPort!.postMessage({ kind: 'started' } satisfies FromBackground);
}

run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
