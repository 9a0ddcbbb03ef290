import type { Api, BrokerState } from '../context';
import { ApiKey, ErrorCode, newEncoder, readNullableArray, readText, writeArray, writeInt32Array } from '../protocol';
import { isValidTopicName, type Topic } from '../topic-store';

/** Metadata v0-v6. This broker (node 0) leads every partition and is the controller. */
export const metadataApi: Api = {
  key: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 6,
  handle(request, { apiVersion: v, broker }) {
    let requested = readNullableArray(request, readText);
    // v0 has no null array: there an empty list means "all topics".
    if (v === 0 && requested?.length === 0) requested = null;
    const allowAutoCreate = v >= 4 ? request.readBoolean() : true;
    const names = requested ? [...new Set(requested)] : broker.topics.names();

    const response = newEncoder();
    if (v >= 3) response.writeInt32(0);
    const { node } = broker;
    writeArray(response, [node], (e) => {
      e.writeInt32(node.nodeId).writeString(node.host).writeInt32(node.port);
      if (v >= 1) e.writeString(null); // rack
    });
    if (v >= 2) response.writeString(node.clusterId);
    if (v >= 1) response.writeInt32(node.nodeId);

    writeArray(response, names, (e, name) => {
      const { errorCode, topic } = lookUp(broker, name, allowAutoCreate);
      e.writeInt16(errorCode).writeString(name);
      if (v >= 1) e.writeBoolean(false); // is_internal
      writeArray(e, topic?.partitions ?? [], (p, _log, index) => {
        p.writeInt16(ErrorCode.NONE).writeInt32(index).writeInt32(node.nodeId);
        writeInt32Array(p, [node.nodeId]); // replicas
        writeInt32Array(p, [node.nodeId]); // in-sync replicas
        if (v >= 5) writeInt32Array(p, []); // offline replicas
      });
    });
    return response;
  },
};

function lookUp(broker: BrokerState, name: string, allowAutoCreate: boolean): { errorCode: number; topic?: Topic } {
  const topic = broker.topics.get(name);
  if (topic) return { errorCode: ErrorCode.NONE, topic };
  if (!isValidTopicName(name)) return { errorCode: ErrorCode.INVALID_TOPIC };
  if (!broker.autoCreateTopics || !allowAutoCreate) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  return { errorCode: ErrorCode.NONE, topic: broker.topics.create(name, broker.defaultPartitions) };
}
