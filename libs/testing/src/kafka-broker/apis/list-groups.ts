import type { Api } from '../context';
import { ApiKey, ErrorCode, newEncoder, writeArray } from '../protocol';

/** ListGroups v0-v2: every group with members or committed offsets. */
export const listGroupsApi: Api = {
  key: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,
  handle(_request, { apiVersion: v, broker }) {
    const response = newEncoder();
    if (v >= 1) response.writeInt32(0);
    response.writeInt16(ErrorCode.NONE);
    return writeArray(response, broker.groups.groupIds(), (e, groupId) =>
      e.writeString(groupId).writeString(broker.groups.group(groupId)?.type ?? ''),
    );
  },
};
