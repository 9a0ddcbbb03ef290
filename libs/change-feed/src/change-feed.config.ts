import { resolve } from 'node:path';

/**
 * Configuration of the change feeds, read from the environment (README "Change feeds").
 * Kept apart from RegistryConfig so the registry runs without any of it when Kafka is absent.
 */
export interface ChangeFeedConfig {
  /** `KAFKA_BROKERS`, comma-separated `host:port`; null: the registry runs without Kafka. */
  readonly brokers: readonly string[] | null;
  /** `KAFKA_CLIENT_ID`. */
  readonly clientId: string;
  /** `KAFKA_TOPIC_PARTITIONS`: partitions of the topics the relay creates (existing topics are left alone). */
  readonly topicPartitions: number;
  /** `KAFKA_REPLICATION_FACTOR`: -1 takes the cluster's default.replication.factor. */
  readonly replicationFactor: number;
  /** `KAFKA_RETENTION_MS`: `retention.ms` of the topics the relay creates. */
  readonly retentionMs: number;
  /** `AGENCY_ENTITLEMENTS_FILE`, resolved against the working directory. */
  readonly entitlementsFile: string;
  /**
   * `CHANGE_FEED_RELAY`: `on` (default) runs the relay in this process when Kafka is configured;
   * `off` leaves it to another process (e.g. API replicas beside a standalone apps/change-feed).
   */
  readonly relayEnabled: boolean;
  /**
   * `CHANGE_FEED_NAME`: names the checkpoints and the leader lock. Two relays with the same name
   * share the work (one runs, the other waits); another name relays everything again.
   */
  readonly relayName: string;
  /** `CHANGE_FEED_BATCH_SIZE`: most events sent to Kafka in one request. */
  readonly batchSize: number;
  /** `CHANGE_FEED_REPORT_MS`: interval of the progress line in the log (0: none). */
  readonly reportEveryMs: number;
}

export const CHANGE_FEED_CONFIG = Symbol('CHANGE_FEED_CONFIG');

/** Two weeks: DESIGN §12 asks for at least the slowest agency's catch-up time. */
export const DEFAULT_RETENTION_MS = 14 * 24 * 60 * 60 * 1000;

export class ChangeFeedConfigurationError extends Error {}

type Env = Record<string, string | undefined>;

export function readChangeFeedConfig(env: Env = process.env, cwd = process.cwd()): ChangeFeedConfig {
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) {
      throw new ChangeFeedConfigurationError(`KAFKA_BROKERS must list host:port pairs, not ${broker}`);
    }
  }
  const relay = env.CHANGE_FEED_RELAY ?? 'on';
  if (relay !== 'on' && relay !== 'off')
    throw new ChangeFeedConfigurationError(`CHANGE_FEED_RELAY must be on or off, not ${relay}`);
  const relayName = env.CHANGE_FEED_NAME ?? 'change-feed';
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(relayName)) {
    throw new ChangeFeedConfigurationError(`CHANGE_FEED_NAME must be 1-100 of [A-Za-z0-9._-], not ${relayName}`);
  }
  const replicationFactor = integer(env.KAFKA_REPLICATION_FACTOR ?? '-1', 'KAFKA_REPLICATION_FACTOR');
  if (replicationFactor === 0 || replicationFactor < -1) {
    throw new ChangeFeedConfigurationError('KAFKA_REPLICATION_FACTOR must be -1 (cluster default) or positive');
  }
  return {
    brokers: brokers.length > 0 ? brokers : null,
    clientId: env.KAFKA_CLIENT_ID ?? 'registry-change-feed',
    topicPartitions: positive(env.KAFKA_TOPIC_PARTITIONS ?? '6', 'KAFKA_TOPIC_PARTITIONS'),
    replicationFactor,
    retentionMs: positive(env.KAFKA_RETENTION_MS ?? String(DEFAULT_RETENTION_MS), 'KAFKA_RETENTION_MS'),
    entitlementsFile: resolve(cwd, env.AGENCY_ENTITLEMENTS_FILE ?? 'config/entitlements.json'),
    relayEnabled: relay === 'on',
    relayName,
    batchSize: positive(env.CHANGE_FEED_BATCH_SIZE ?? '1000', 'CHANGE_FEED_BATCH_SIZE'),
    reportEveryMs: integer(env.CHANGE_FEED_REPORT_MS ?? '60000', 'CHANGE_FEED_REPORT_MS'),
  };
}

function integer(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new ChangeFeedConfigurationError(`${name} must be an integer, not ${value}`);
  return n;
}

function positive(value: string, name: string): number {
  const n = integer(value, name);
  if (n <= 0) throw new ChangeFeedConfigurationError(`${name} must be a positive integer, not ${value}`);
  return n;
}
