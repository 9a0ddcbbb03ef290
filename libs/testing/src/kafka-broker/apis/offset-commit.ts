import type { Api } from '../context';
import type { OffsetToCommit } from '../group-coordinator';
import { ApiKey, ErrorCode, newEncoder, readArray, readText, writeArray } from '../protocol';

/**
 * OffsetCommit v0-v5. Members commit with their generation; generation -1 (v0, or admin tools)
 * is accepted only while the group has no members, as in Kafka. Retention is unlimited.
 */
export const offsetCommitApi: Api = {
  key: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 5,
  handle(request, { apiVersion: v, broker }) {
    const groupId = readText(request);
    const generationId = v >= 1 ? request.readInt32() : -1;
    const memberId = v >= 1 ? readText(request) : '';
    if (v >= 2 && v <= 4) request.readInt64(); // retention time
    const topics = readArray(request, (d) => {
      const topic = readText(d);
      const offsets = readArray(d, (p): OffsetToCommit => {
        const partition = p.readInt32();
        const offset = Number(p.readInt64());
        if (v === 1) p.readInt64(); // commit timestamp
        return { topic, partition, offset, metadata: p.readString() };
      });
      return { topic, offsets };
    });

    const all = topics.flatMap((t) => t.offsets);
    const errors =
      groupId === ''
        ? all.map(() => ErrorCode.INVALID_GROUP_ID)
        : broker.groups.commit(groupId, generationId, memberId, all);

    const response = newEncoder();
    if (v >= 3) response.writeInt32(0);
    let index = 0;
    return writeArray(response, topics, (e, topic) => {
      e.writeString(topic.topic);
      writeArray(e, topic.offsets, (p, offset) => p.writeInt32(offset.partition).writeInt16(errors[index++]));
    });
  },
};
