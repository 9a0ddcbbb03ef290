import type { Api } from '../context';
import { ApiKey, ErrorCode, newEncoder, readArray, readText, writeArray } from '../protocol';

const EMPTY = Buffer.alloc(0);

/** DescribeGroups v0-v2. Unknown groups are reported as "Dead", like Kafka does. */
export const describeGroupsApi: Api = {
  key: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 2,
  handle(request, { apiVersion: v, broker }) {
    const groupIds = readArray(request, readText);
    const response = newEncoder();
    if (v >= 1) response.writeInt32(0);
    return writeArray(response, groupIds, (e, groupId) => {
      const group = broker.groups.group(groupId)?.describe();
      e.writeInt16(ErrorCode.NONE)
        .writeString(groupId)
        .writeString(group?.state ?? 'Dead')
        .writeString(group?.protocolType ?? '')
        .writeString(group?.state === 'Stable' ? group.protocolName : '');
      // Kafka includes member metadata and assignments only once the group is stable.
      const stable = group?.state === 'Stable';
      writeArray(e, group?.members ?? [], (m, member) =>
        m
          .writeString(member.memberId)
          .writeString(member.clientId)
          .writeString(member.clientHost)
          .writeBytes(stable ? member.metadata : EMPTY)
          .writeBytes(stable ? member.assignment : EMPTY),
      );
    });
  },
};
