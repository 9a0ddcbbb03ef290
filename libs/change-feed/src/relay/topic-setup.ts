import type { Admin } from 'kafkajs';

export interface TopicSettings {
  readonly partitions: number;
  /** -1: the cluster's default. */
  readonly replicationFactor: number;
  readonly retentionMs: number;
}

/**
 * Creates the topics that are missing, with the configured partitions and retention. Existing
 * topics are left as they are: partitions can only grow, and growing them moves PINs to other
 * partitions, which an operator must decide, not a restart.
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  settings: TopicSettings,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: settings.partitions,
      replicationFactor: settings.replicationFactor,
      configEntries: [{ name: 'retention.ms', value: String(settings.retentionMs) }],
    })),
  });
  return missing;
}
