import type { Kafka } from 'kafkajs';

/** API.md: the registry asks on `registry.requests.<agencyId>.v1` and reads answers from `registry.replies.<agencyId>.v1`. */
export function requestTopic(agencyId: string): string {
  return `registry.requests.${agencyId}.v1`;
}

export function replyTopic(agencyId: string): string {
  return `registry.replies.${agencyId}.v1`;
}

/** Which agency serves which step (both services of Decree 63/2024 are the social security agency's). */
export const SERVICE_AGENCY = 'vss';

/**
 * Creates an agency's request and reply topics when missing (brokers run with auto-creation off):
 * the registry and the agency may start in either order.
 */
export async function ensureServiceTopics(kafka: Kafka, agencyId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [requestTopic(agencyId), replyTopic(agencyId)].filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic })) });
  } finally {
    await admin.disconnect();
  }
}
