import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AuthModule,
  DatabaseModule,
  EventStoreModule,
  RegistryConfigModule,
  RegistryExceptionFilter,
  registryValidationPipe,
} from '@registry/platform';
import { ProjectorModule } from '@registry/read-models';
import { AccessModule } from '../../http/access/access.module';
import { QueriesModule } from '../queries.module';

/**
 * The read side of the API alone, assembled like RegistryApiModule (configuration, database,
 * event store, JWT guard, error body, validation): for the e2e tests and the lookup benchmark.
 */
@Module({})
class QueryApiModule {
  static with(options: { projector: boolean }): DynamicModule {
    return {
      module: QueryApiModule,
      imports: [
        RegistryConfigModule,
        DatabaseModule,
        EventStoreModule,
        AuthModule,
        QueriesModule,
        AccessModule,
        ...(options.projector ? [ProjectorModule] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: RegistryExceptionFilter }],
    };
  }
}

export async function createQueryApi(options: { projector: boolean }): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(QueryApiModule.with(options), new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  app.useGlobalPipes(registryValidationPipe());
  app.enableShutdownHooks();
  return app;
}
