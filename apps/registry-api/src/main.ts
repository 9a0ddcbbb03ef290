import './tracing';
import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';
import { REGISTRY_CONFIG, type RegistryConfig } from '@registry/platform';
import { createRegistryApi } from './bootstrap';
import { BackgroundThread, BackgroundThreadShutdown, backgroundThreadWanted } from './background/background-thread';
import { RequestRehearsal } from './warm-up/request-rehearsal';

/**
 * The single-process default: the whole registry on PostgreSQL alone (`npm start`), the API on
 * this thread, the projector, procedure runner and relay on another (BACKGROUND_THREAD).
 * API_WORKERS=n forks n identical processes sharing the port (the API is stateless; the
 * projector and the change feed elect one leader through PostgreSQL locks).
 */
async function serve(): Promise<void> {
  // The projector, procedure runner and relay boot in their thread while the API boots in this one (ADR 0135).
  const background = backgroundThreadWanted() ? BackgroundThread.start() : undefined;
  const app = await createRegistryApi();
  app.get(BackgroundThreadShutdown).attach(background);
  const config = app.get<RegistryConfig>(REGISTRY_CONFIG);
  // Connections opened and statements prepared (WarmUp, in init), then the hot requests rehearsed,
  // before the port opens: /health/live answers a process that is warm (ADR 0031, 0115).
  await app.init();
  await app.get(RequestRehearsal).run();
  await background?.started;
  await app.listen(config.port, '0.0.0.0');
  // The one line a person starting the registry looks for: where it answers.
  Logger.log(`Registry API listening on ${await app.getUrl()} (OpenAPI at /docs)`, 'RegistryApi');
}

function supervise(workers: number): void {
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (signal === 'SIGTERM' || signal === 'SIGINT' || code === 0) return;
    console.error(`API worker ${worker.process.pid} died (${signal ?? code}); starting another`);
    cluster.fork();
  });
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
  };
  process.on('SIGTERM', stop).on('SIGINT', stop);
}

const workers = Number(process.env.API_WORKERS ?? '1');
if (cluster.isPrimary && Number.isSafeInteger(workers) && workers > 1) {
  supervise(workers);
} else {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
