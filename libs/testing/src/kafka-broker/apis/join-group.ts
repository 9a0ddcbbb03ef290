import type { Api } from '../context';
import { ApiKey, ErrorCode, newEncoder, readArray, readText, writeArray } from '../protocol';

const EMPTY = Buffer.alloc(0);

/**
 * JoinGroup v0-v5. From v4 a new member is first told its id (MEMBER_ID_REQUIRED) and joins again
 * with it. v5's group instance id (static membership) is echoed but members stay dynamic.
 */
export const joinGroupApi: Api = {
  key: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, { apiVersion: v, broker, clientId, clientHost }) {
    const groupId = readText(request);
    const sessionTimeoutMs = request.readInt32();
    const rebalanceTimeoutMs = v >= 1 ? request.readInt32() : sessionTimeoutMs;
    const memberId = readText(request);
    const groupInstanceId = v >= 5 ? request.readString() : null;
    const protocolType = readText(request);
    const protocols = readArray(request, (d) => ({ name: readText(d), metadata: d.readBytes() ?? EMPTY }));

    const result =
      groupId === ''
        ? {
            errorCode: ErrorCode.INVALID_GROUP_ID,
            generationId: -1,
            protocolName: '',
            leaderId: '',
            memberId,
            members: [],
          }
        : await broker.groups.findOrCreate(groupId).join({
            memberId,
            groupInstanceId,
            clientId,
            clientHost,
            sessionTimeoutMs,
            rebalanceTimeoutMs,
            protocolType,
            protocols,
            requireKnownMemberId: v >= 4,
          });

    const response = newEncoder();
    if (v >= 2) response.writeInt32(0);
    response
      .writeInt16(result.errorCode)
      .writeInt32(result.generationId)
      .writeString(result.protocolName)
      .writeString(result.leaderId)
      .writeString(result.memberId);
    writeArray(response, result.members, (e, member) => {
      e.writeString(member.memberId);
      if (v >= 5) e.writeString(member.groupInstanceId);
      e.writeBytes(member.metadata);
    });
    return response;
  },
};
