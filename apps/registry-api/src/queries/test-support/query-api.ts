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
import { AgencyFeedModule } from '@registry/change-feed';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from '../../http/access/access.guard';
import { AccessModule } from '../../http/access/access.module';
import { QueriesModule } from '../queries.module';

/**
 * The read side of the API alone, assembled like RegistryApiModule (configuration, database,
 * event store, JWT guard, error body, validation): for the e2e tests and the lookup benchmark.
 */
interface QueryApiOptions {
  readonly projector: boolean;
  readonly audit?: boolean;
}

@Module({
  imports: [AgencyFeedModule],
  providers: [{ provide: APP_GUARD, useClass: AccessGuard }],
})
class AccessGuardAlone {}

@Module({})
class QueryApiModule {
  static with(options: QueryApiOptions): DynamicModule {
    return {
      module: QueryApiModule,
      imports: [
        RegistryConfigModule,
        DatabaseModule,
        EventStoreModule,
        AuthModule,
        QueriesModule,
        // Without the audit (bench/lookup's comparison only): the same guard, no read interceptor.
        options.audit === false ? AccessGuardAlone : AccessModule,
        ...(options.projector ? [ProjectorModule] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: RegistryExceptionFilter }],
    };
  }
}

export async function createQueryApi(options: QueryApiOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(QueryApiModule.with(options), new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  app.useGlobalPipes(registryValidationPipe());
  app.enableShutdownHooks();
  return app;
}
