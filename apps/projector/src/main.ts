import './tracing';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ProjectorAppModule } from './projector-app.module';

/**
 * The projector as its own process (`npm run start:projector`): keeps the read models current
 * from the event store. Several may run; one leads, the others stand by. SIGTERM stops it after
 * the batch in flight; SIGKILL loses nothing either (each batch commits with its checkpoint).
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(ProjectorAppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
