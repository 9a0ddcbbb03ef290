import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, migrate, type EventStore } from '@registry/event-store';
import { PG_POOL } from '@registry/platform';
import { CHANGE_FEED_CONFIG, type ChangeFeedConfig } from '../change-feed.config';
import { CHANGE_FEED_MIGRATIONS } from '../checkpoint/checkpoint-store';
import { AgencyEntitlements } from '../entitlements/agency-entitlements';
import { ChangeFeedRelay, type RelayStatus } from './change-feed-relay';
import { createKafka } from './kafka-client';

/** Starts the relay to Kafka when KAFKA_BROKERS is set (and CHANGE_FEED_RELAY is not off). */
@Injectable()
export class ChangeFeedRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ChangeFeed');
  private relay: ChangeFeedRelay | null = null;

  constructor(
    @Inject(CHANGE_FEED_CONFIG) private readonly config: ChangeFeedConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly entitlements: AgencyEntitlements,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { brokers } = this.config;
    if (!brokers) {
      this.logger.log(
        'KAFKA_BROKERS is not set: the registry runs without Kafka; change feeds are served over HTTP only',
      );
      return;
    }
    if (!this.config.relayEnabled) {
      this.logger.log('CHANGE_FEED_RELAY=off: another process relays the change feeds to Kafka');
      return;
    }
    await migrate(this.pool, CHANGE_FEED_MIGRATIONS);
    const agencies = this.entitlements.all().map((agency) => agency.agencyId);
    this.logger.log(
      `relaying change feeds to Kafka at ${brokers.join(',')} for agencies ${agencies.join(', ') || '(none)'}`,
    );
    this.relay = new ChangeFeedRelay(
      {
        store: this.store,
        pool: this.pool,
        kafka: createKafka({ brokers, clientId: this.config.clientId }, this.logger),
        entitlements: this.entitlements,
        logger: this.logger,
      },
      {
        relayName: this.config.relayName,
        batchSize: this.config.batchSize,
        reportEveryMs: this.config.reportEveryMs,
        topics: {
          partitions: this.config.topicPartitions,
          replicationFactor: this.config.replicationFactor,
          retentionMs: this.config.retentionMs,
        },
      },
    );
    this.relay.start();
  }

  /** For health checks: null when this process does not relay. */
  status(): RelayStatus | null {
    return this.relay?.status() ?? null;
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay?.stop();
  }
}
