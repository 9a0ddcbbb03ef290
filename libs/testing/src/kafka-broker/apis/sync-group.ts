import type { Api } from '../context';
import { ApiKey, ErrorCode, newEncoder, readArray, readText } from '../protocol';

const EMPTY = Buffer.alloc(0);

/** SyncGroup v0-v3: the leader hands in the assignment, every member waits for its share. */
export const syncGroupApi: Api = {
  key: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 3,
  async handle(request, { apiVersion: v, broker }) {
    const groupId = readText(request);
    const generationId = request.readInt32();
    const memberId = readText(request);
    if (v >= 3) request.readString(); // group instance id
    const assignments = new Map(readArray(request, (d) => [readText(d), d.readBytes() ?? EMPTY] as const));

    const group = broker.groups.group(groupId);
    const result = group
      ? await group.sync(memberId, generationId, assignments)
      : { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY };

    const response = newEncoder();
    if (v >= 1) response.writeInt32(0);
    return response.writeInt16(result.errorCode).writeBytes(result.assignment);
  },
};
