import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

/**
 * Starts an app that serves no HTTP (the projector, the change feed, the procedure runner): a
 * Nest application context (its modules start their loops when it initialises), logging through
 * pino, and SIGTERM handled by Nest's shutdown hooks so each loop ends after the work in flight.
 * A failure to start is printed and ends the process with 1.
 */
export function runWorker(module: Type<unknown>): void {
  const start = async () => {
    const app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks();
  };
  start().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
