import { Module } from '@nestjs/common';
import { ChangeFeedModule } from '@registry/change-feed';
import { DatabaseModule, EventStoreModule, LoggingModule, RegistryConfigModule } from '@registry/platform';

/** The change-feed process: the event store, its checkpoints in PostgreSQL, and the relay to Kafka. */
@Module({
  imports: [RegistryConfigModule, LoggingModule, DatabaseModule, EventStoreModule, ChangeFeedModule],
})
export class ChangeFeedAppModule {}
