import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { readRegistryConfig, registryValidationPipe } from '@registry/platform';
import { serveHistorianPage } from './historian-page/historian-page.static';
import { RegistryApiModule } from './registry-api.module';
import { fastifyLimits, protectRequests } from './http/protection/request-protection';
import { hardenHttpLayer, httpLayerOptions } from './http/http-layer';

/** Builds the HTTP API (used by main.ts, the e2e tests and the benchmarks). */
export async function createRegistryApi(options: { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const { limits } = readRegistryConfig();
  const adapter = new FastifyAdapter({ ...httpLayerOptions(), ...fastifyLimits(limits) });
  const app = await NestFactory.create<NestFastifyApplication>(RegistryApiModule, adapter, {
    bufferLogs: true,
    logger: options.logger === false ? false : undefined,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  hardenHttpLayer(app);
  await protectRequests(app, limits);
  app.useGlobalPipes(registryValidationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Population registry')
      .setDescription('Civil-status events, citizen lookups, timelines and agency feeds (API v1)')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  if (!(await serveHistorianPage(app))) {
    new NestLogger('HistorianPage').warn('Not built (npm run build:web): /app/ is not served');
  }
  return app;
}
