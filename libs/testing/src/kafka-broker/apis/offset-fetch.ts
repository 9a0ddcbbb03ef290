import type { Api } from '../context';
import { ApiKey, ErrorCode, newEncoder, readArray, readNullableArray, readText, writeArray } from '../protocol';

/** OffsetFetch v1-v4; from v2 a null topic list asks for every committed partition. */
export const offsetFetchApi: Api = {
  key: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 4,
  handle(request, { apiVersion: v, broker }) {
    const groupId = readText(request);
    const requested = readNullableArray(request, (d) => ({
      topic: readText(d),
      partitions: readArray(d, (p) => p.readInt32()),
    }));
    const topics = requested ?? (v >= 2 ? broker.groups.committedPartitions(groupId) : []);

    const response = newEncoder();
    if (v >= 3) response.writeInt32(0);
    writeArray(response, topics, (e, { topic, partitions }) => {
      e.writeString(topic);
      writeArray(e, partitions, (p, partition) => {
        // No commit yet reads as offset -1 with no error; the consumer then applies its reset policy.
        const committed = broker.groups.committed(groupId, topic, partition);
        p.writeInt32(partition)
          .writeInt64(committed?.offset ?? -1)
          .writeString(committed ? committed.metadata : '')
          .writeInt16(ErrorCode.NONE);
      });
    });
    if (v >= 2) response.writeInt16(ErrorCode.NONE);
    return response;
  },
};
