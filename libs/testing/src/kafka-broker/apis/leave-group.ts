import type { Api, BrokerState } from '../context';
import { ApiKey, ErrorCode, newEncoder, readArray, readText, writeArray } from '../protocol';

/** LeaveGroup v0-v3 (v3 takes a list of members). Leaving starts a rebalance for the others. */
export const leaveGroupApi: Api = {
  key: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 3,
  handle(request, { apiVersion: v, broker }) {
    const groupId = readText(request);
    const response = newEncoder();
    if (v >= 1) response.writeInt32(0);

    if (v < 3) return response.writeInt16(leave(broker, groupId, readText(request)));

    const members = readArray(request, (d) => ({ memberId: readText(d), groupInstanceId: d.readString() }));
    response.writeInt16(ErrorCode.NONE);
    return writeArray(response, members, (e, member) =>
      e
        .writeString(member.memberId)
        .writeString(member.groupInstanceId)
        .writeInt16(leave(broker, groupId, member.memberId)),
    );
  },
};

const leave = (broker: BrokerState, groupId: string, memberId: string): number =>
  broker.groups.group(groupId)?.leave(memberId) ?? ErrorCode.UNKNOWN_MEMBER_ID;
