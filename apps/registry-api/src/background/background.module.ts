import { Module } from '@nestjs/common';
import { ChangeFeedModule } from '@registry/change-feed';
import { DatabaseModule, EventStoreModule, LoggingModule, RegistryConfigModule } from '@registry/platform';
import { ProceduresModule } from '@registry/procedures';
import { ProjectorModule } from '@registry/read-models';

/**
 * What `npm start` runs beside the API, in a thread of its own (ADR 0135): the projector, the
 * procedure runner and the relay, each as in its own process (apps/projector, procedure-runner,
 * change-feed), on a pool of the thread's own.
 */
@Module({
  imports: [
    RegistryConfigModule,
    LoggingModule,
    DatabaseModule,
    EventStoreModule,
    ProjectorModule,
    ProceduresModule,
    ChangeFeedModule,
  ],
})
export class BackgroundModule {}
