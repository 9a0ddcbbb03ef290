import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { Pool } from 'pg';
import { RegistryAppModule } from '@registry/app';
import { ChangeFeedModule } from '@registry/change-feed';
import { migrate } from '@registry/event-store';
import { API_MIGRATIONS } from './api-migrations';
import { MetricsModule } from './metrics/metrics.module';
import { ReadinessController } from './health/readiness.controller';
import {
  AuthModule,
  DatabaseModule,
  EventStoreModule,
  LoggingModule,
  PG_POOL,
  RegistryConfigModule,
  RegistryExceptionFilter,
} from '@registry/platform';
import { BirthsController } from './births/births.controller';
import { CitizenReadsController } from './citizens/citizen-reads.controller';
import { HealthController } from './health/health.controller';
import { CorrectionsController } from './corrections/corrections.controller';
import { ResidencesController } from './residences/residences.controller';
import { DeathsController } from './deaths/deaths.controller';
import { NameChangesController } from './name-changes/name-changes.controller';
import { DeathAnnulmentController } from './deaths/death-annulment.controller';
import { MarriagesController } from './marriages/marriages.controller';
import { ProvincesController } from './provinces/provinces.controller';
import { FeedsModule } from './feeds/feeds.module';
import { QueriesModule } from './queries/queries.module';
import { ProjectorModule } from '@registry/read-models';
import { ProceduresModule } from '@registry/procedures';
import { ProceduresController } from './procedures/procedures.controller';
import { IdempotencyStore } from './http/idempotency-store';
import { Idempotency } from './http/idempotency';
import { AccessModule } from './http/access/access.module';
import { AuditModule } from './audit/audit.module';
import { RequestRehearsal } from './warm-up/request-rehearsal';
import { WarmUp } from './warm-up/warm-up';
import { BackgroundThreadShutdown } from './background/background-thread';

@Module({
  imports: [
    RegistryConfigModule,
    LoggingModule,
    DatabaseModule,
    EventStoreModule,
    AuthModule,
    TerminusModule,
    RegistryAppModule,
    QueriesModule,
    ProjectorModule,
    FeedsModule,
    ChangeFeedModule,
    ProceduresModule,
    AccessModule,
    AuditModule,
    MetricsModule,
  ],
  controllers: [
    BirthsController,
    ResidencesController,
    DeathsController,
    CorrectionsController,
    NameChangesController,
    ProceduresController,
    DeathAnnulmentController,
    MarriagesController,
    ProvincesController,
    CitizenReadsController,
    HealthController,
    ReadinessController,
  ],
  providers: [
    IdempotencyStore,
    Idempotency,
    WarmUp,
    RequestRehearsal,
    BackgroundThreadShutdown,
    { provide: APP_FILTER, useClass: RegistryExceptionFilter },
  ],
})
export class RegistryApiModule implements OnModuleInit {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onModuleInit(): Promise<void> {
    await migrate(this.pool, API_MIGRATIONS);
  }
}
