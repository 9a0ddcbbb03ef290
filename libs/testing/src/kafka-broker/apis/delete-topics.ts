import type { Api } from '../context';
import { ApiKey, ErrorCode, newEncoder, readArray, readText, writeArray } from '../protocol';

/** DeleteTopics v0-v1. Deletion is immediate; committed offsets of the topic go with it. */
export const deleteTopicsApi: Api = {
  key: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 1,
  handle(request, { apiVersion: v, broker }) {
    const names = readArray(request, readText);
    request.readInt32(); // timeout

    const response = newEncoder();
    if (v >= 1) response.writeInt32(0);
    writeArray(response, names, (e, name) => {
      const deleted = broker.topics.delete(name);
      if (deleted) broker.groups.forgetTopic(name);
      e.writeString(name).writeInt16(deleted ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    });
    return response;
  },
};
