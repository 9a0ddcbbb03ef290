import type { Api } from '../context';
import { ApiKey, ErrorCode, newEncoder, readText } from '../protocol';

/** Heartbeat v0-v3: keeps the member's session alive and tells it when to rejoin. */
export const heartbeatApi: Api = {
  key: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 3,
  handle(request, { apiVersion: v, broker }) {
    const groupId = readText(request);
    const generationId = request.readInt32();
    const memberId = readText(request);
    if (v >= 3) request.readString(); // group instance id

    const errorCode = broker.groups.group(groupId)?.heartbeat(memberId, generationId) ?? ErrorCode.UNKNOWN_MEMBER_ID;
    const response = newEncoder();
    if (v >= 1) response.writeInt32(0);
    return response.writeInt16(errorCode);
  },
};
