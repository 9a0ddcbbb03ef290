import './tracing';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ProcedureRunnerAppModule } from './procedure-runner-app.module';

/**
 * The linked procedures as their own process (`npm run start:procedures`), beside API replicas
 * started with PROCEDURES=off. Several may run; one leads. A SIGKILL at any point loses nothing
 * and doubles no effect: every step is idempotent and its state is in the procedure's stream.
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(ProcedureRunnerAppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
