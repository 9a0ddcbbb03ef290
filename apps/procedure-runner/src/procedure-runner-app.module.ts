import { Module } from '@nestjs/common';
import { DatabaseModule, EventStoreModule, LoggingModule, RegistryConfigModule } from '@registry/platform';
import { ProceduresModule } from '@registry/procedures';

/** The procedure runner on its own: configuration, logs, the database, the event store, the runner. */
@Module({ imports: [RegistryConfigModule, LoggingModule, DatabaseModule, EventStoreModule, ProceduresModule] })
export class ProcedureRunnerAppModule {}
