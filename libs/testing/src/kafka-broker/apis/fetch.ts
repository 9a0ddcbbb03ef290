import type { Api, BrokerState } from '../context';
import { ApiKey, ErrorCode, newEncoder, readArray, readText, writeArray } from '../protocol';

interface PartitionRequest {
  readonly partition: number;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

interface TopicRequest {
  readonly name: string;
  readonly partitions: readonly PartitionRequest[];
}

interface PartitionResult {
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly batches: readonly Buffer[];
}

/**
 * Fetch v4-v11 with long polling: when fewer than minBytes are available the request waits,
 * up to maxWaitTime, for a produce to one of its partitions. Fetch sessions (v7+) are declined
 * by answering session id 0, which KIP-227 allows; clients then keep sending full fetches.
 */
export const fetchApi: Api = {
  key: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,
  async handle(request, { apiVersion: v, broker }) {
    request.readInt32(); // replica id
    const maxWaitMs = request.readInt32();
    const minBytes = request.readInt32();
    const maxBytes = request.readInt32();
    request.readInt8(); // isolation level: without transactions everything is committed
    if (v >= 7) {
      request.readInt32(); // session id
      request.readInt32(); // session epoch
    }
    const topics = readArray(request, (d): TopicRequest => ({
      name: readText(d),
      partitions: readArray(d, (p): PartitionRequest => {
        const partition = p.readInt32();
        if (v >= 9) p.readInt32(); // current leader epoch
        const fetchOffset = Number(p.readInt64());
        if (v >= 5) p.readInt64(); // log start offset (only sent by followers)
        return { partition, fetchOffset, maxBytes: p.readInt32() };
      }),
    }));
    // v7+ forgotten topics and v11 rack id only matter for sessions and replicas: not read.

    const deadline = Date.now() + maxWaitMs;
    const watched = topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
    let results = collect(broker, topics, maxBytes);
    while (!broker.stopping && Date.now() < deadline && !results.hasError && results.bytes < minBytes) {
      await broker.topics.waitForData(watched, deadline - Date.now());
      results = collect(broker, topics, maxBytes);
    }

    const response = newEncoder().writeInt32(0); // throttle time
    if (v >= 7) response.writeInt16(ErrorCode.NONE).writeInt32(0); // error code, session id
    writeArray(response, results.topics, (e, topic) => {
      e.writeString(topic.name);
      writeArray(e, topic.partitions, (p, result) => {
        p.writeInt32(result.partition).writeInt16(result.errorCode);
        p.writeInt64(result.highWatermark);
        p.writeInt64(result.highWatermark); // last stable offset: no open transactions
        if (v >= 5) p.writeInt64(result.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? -1 : 0); // log start offset
        p.writeInt32(0); // aborted transactions: none
        if (v >= 11) p.writeInt32(-1); // preferred read replica: none
        p.writeBytes(Buffer.concat(result.batches as Buffer[]));
      });
    });
    return response;
  },
};

/**
 * Reads what is available now. Limits are honoured per whole batch, except that the first
 * batch of the response is always included even when it is larger (KIP-74), so that no
 * consumer can get stuck behind a batch bigger than its limits.
 */
function collect(broker: BrokerState, topics: readonly TopicRequest[], maxBytes: number) {
  let bytes = 0;
  let hasError = false;
  const results = topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map(({ partition, fetchOffset, maxBytes: partitionMaxBytes }): PartitionResult => {
      const log = broker.topics.partition(topic.name, partition);
      if (!log) {
        hasError = true;
        return { partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1, batches: [] };
      }
      if (fetchOffset < log.startOffset || fetchOffset > log.endOffset) {
        hasError = true;
        return { partition, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: log.endOffset, batches: [] };
      }
      const budget = Math.max(0, Math.min(partitionMaxBytes, maxBytes - bytes));
      const batches = log.read(fetchOffset, budget, bytes === 0);
      for (const batch of batches) bytes += batch.length;
      return { partition, errorCode: ErrorCode.NONE, highWatermark: log.endOffset, batches };
    }),
  }));
  return { topics: results, bytes, hasError };
}
