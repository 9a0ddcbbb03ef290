import { Module } from '@nestjs/common';
import { AgencyFeedModule, ChangeFeedModule } from '@registry/change-feed';
import { ChangeFeedOperationsController } from './change-feed-operations.controller';
import { FeedsController } from './feeds.controller';

/**
 * GET /v1/feeds/:agencyId/events (needs no Kafka: it reads the event store) and the relay's
 * status for operators (read from PostgreSQL, whichever process relays).
 */
@Module({
  imports: [AgencyFeedModule, ChangeFeedModule],
  controllers: [FeedsController, ChangeFeedOperationsController],
})
export class FeedsModule {}
