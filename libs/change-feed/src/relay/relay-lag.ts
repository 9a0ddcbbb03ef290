import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  comparePositions,
  EVENT_STORE,
  formatPosition,
  parsePosition,
  type EventStore,
  type Position,
} from '@registry/event-store';
import { PG_POOL } from '@registry/platform';
import { EventBacklog, type Lag } from '@registry/read-models';
import { CHANGE_FEED_CONFIG, type ChangeFeedConfig } from '../change-feed.config';
import { AgencyEntitlements } from '../entitlements/agency-entitlements';
import { CITIZEN_EVENTS_TOPIC } from '../topics';
import type { RelayStatus } from './change-feed-relay';
import { ChangeFeedRunner } from './change-feed-runner';
import { relayLockHeld } from './relay-leadership';

export interface RelayTopicStatus {
  readonly topic: string;
  /** Position of the last event Kafka acknowledged on the topic; null before the first. */
  readonly position: string | null;
  readonly updatedAt: string | null;
}

/** Where the relay stands, read from PostgreSQL: right whichever process relays. */
export interface RelayReport {
  /** CHANGE_FEED_NAME: the checkpoints and lock reported. */
  readonly name: string;
  /** Kafka is configured in this process (KAFKA_BROKERS). */
  readonly kafkaConfigured: boolean;
  /** Some relay of this name holds the leadership lock (in this process or another). */
  readonly leaderElected: boolean;
  /** The relay in this process, when it runs one: its state and counters since start. */
  readonly local: RelayStatus | null;
  /** Last position produced to every topic (the earliest topic checkpoint). */
  readonly position: string | null;
  /** Events in the store not yet on every topic, and how long the oldest has waited. */
  readonly lag: Lag;
  readonly topics: RelayTopicStatus[];
}

/** The relay's lag for /health and the operations endpoint, like the projector's. */
@Injectable()
export class RelayLag {
  private readonly backlog: EventBacklog;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CHANGE_FEED_CONFIG) private readonly config: ChangeFeedConfig,
    private readonly entitlements: AgencyEntitlements,
    private readonly runner: ChangeFeedRunner,
  ) {
    this.backlog = new EventBacklog(store);
  }

  async report(): Promise<RelayReport> {
    const wanted = [CITIZEN_EVENTS_TOPIC, ...this.entitlements.all().map((agency) => agency.topic)];
    const [rows, leaderElected] = await Promise.all([
      this.checkpoints(wanted),
      relayLockHeld(this.pool, this.config.relayName),
    ]);
    const topics = wanted.map((topic) => {
      const row = rows.get(topic);
      return { topic, position: row?.position ?? null, updatedAt: row?.updated_at.toISOString() ?? null };
    });
    const behind = earliestOf(
      topics.map((topic) => (topic.position === null ? undefined : parsePosition(topic.position))),
    );
    return {
      name: this.config.relayName,
      kafkaConfigured: this.config.brokers !== null,
      leaderElected,
      local: this.runner.status(),
      position: behind ? formatPosition(behind) : null,
      lag: await this.backlog.lag(behind),
      topics,
    };
  }

  private async checkpoints(topics: readonly string[]) {
    const { rows } = await this.pool
      .query<{ topic: string; position: string; updated_at: Date }>(
        'SELECT topic, position, updated_at FROM change_feed_checkpoints WHERE relay = $1 AND topic = ANY($2)',
        [this.config.relayName, topics],
      )
      .catch((error: { code?: string }) => {
        if (error.code === '42P01') return { rows: [] }; // no relay has ever run here (table not migrated)
        throw error;
      });
    return new Map(rows.map((row) => [row.topic, row]));
  }
}

/** The earliest position; undefined when any topic has none (it starts from the beginning). */
function earliestOf(positions: ReadonlyArray<Position | undefined>): Position | undefined {
  let result: Position | undefined;
  for (const position of positions) {
    if (position === undefined) return undefined;
    if (result === undefined || comparePositions(position, result) < 0) result = position;
  }
  return result;
}
