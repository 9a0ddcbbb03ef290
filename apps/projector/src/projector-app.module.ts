import { Module } from '@nestjs/common';
import { DatabaseModule, EventStoreModule, LoggingModule, RegistryConfigModule } from '@registry/platform';
import { ProjectorModule } from '@registry/read-models';

/** The projector on its own: configuration, logs, the database, the event store, the projections. */
@Module({ imports: [RegistryConfigModule, LoggingModule, DatabaseModule, EventStoreModule, ProjectorModule] })
export class ProjectorAppModule {}
