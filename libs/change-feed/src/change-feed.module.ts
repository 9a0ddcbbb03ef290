import { Module } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@registry/event-store';
import { CHANGE_FEED_CONFIG, readChangeFeedConfig, type ChangeFeedConfig } from './change-feed.config';
import { AgencyEntitlements } from './entitlements/agency-entitlements';
import { AgencyFeed } from './feed/agency-feed';
import { ChangeFeedRunner } from './relay/change-feed-runner';
import { RelayLag } from './relay/relay-lag';

/**
 * The agencies' entitlements and the HTTP feed reader; no Kafka. The registry API imports it
 * (through FeedsModule) whether or not Kafka is configured.
 */
@Module({
  providers: [
    { provide: CHANGE_FEED_CONFIG, useFactory: () => readChangeFeedConfig() },
    {
      provide: AgencyEntitlements,
      inject: [CHANGE_FEED_CONFIG],
      useFactory: (config: ChangeFeedConfig) => AgencyEntitlements.fromFile(config.entitlementsFile),
    },
    { provide: AgencyFeed, inject: [EVENT_STORE], useFactory: (store: EventStore) => new AgencyFeed(store) },
  ],
  exports: [CHANGE_FEED_CONFIG, AgencyEntitlements, AgencyFeed],
})
export class AgencyFeedModule {}

/**
 * The change feeds: the HTTP feed's providers plus the relay to Kafka. Import it in any app that
 * should relay (the embedded registry API, apps/change-feed); it needs the platform's global
 * EVENT_STORE and PG_POOL.
 */
@Module({
  imports: [AgencyFeedModule],
  providers: [ChangeFeedRunner, RelayLag],
  exports: [AgencyFeedModule, ChangeFeedRunner, RelayLag],
})
export class ChangeFeedModule {}
