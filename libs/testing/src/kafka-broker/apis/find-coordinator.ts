import type { Api } from '../context';
import { ApiKey, ErrorCode, newEncoder, readText } from '../protocol';

/** FindCoordinator v0-v2: this broker coordinates every group. */
export const findCoordinatorApi: Api = {
  key: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  handle(request, { apiVersion: v, broker }) {
    readText(request); // group id (key)
    if (v >= 1) request.readInt8(); // key type; transactions are refused later, by InitProducerId
    const response = newEncoder();
    if (v >= 1) response.writeInt32(0);
    response.writeInt16(ErrorCode.NONE);
    if (v >= 1) response.writeString(null);
    const { node } = broker;
    return response.writeInt32(node.nodeId).writeString(node.host).writeInt32(node.port);
  },
};
