import { Module } from '@nestjs/common';
import { AgencyFeedModule } from '@registry/change-feed';
import { FeedsController } from './feeds.controller';

/** GET /v1/feeds/:agencyId/events. Needs no Kafka: it reads the event store. */
@Module({
  imports: [AgencyFeedModule],
  controllers: [FeedsController],
})
export class FeedsModule {}
