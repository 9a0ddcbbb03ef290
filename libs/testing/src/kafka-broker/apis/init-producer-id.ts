import type { Api } from '../context';
import { ApiKey, ErrorCode, newEncoder } from '../protocol';

/**
 * InitProducerId v0-v1, for idempotent producers: each call gets a fresh producer id, epoch 0.
 * Transactional producers are refused, since the transaction APIs are not implemented.
 */
export const initProducerIdApi: Api = {
  key: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 1,
  handle(request, { broker }) {
    const transactionalId = request.readString();
    request.readInt32(); // transaction timeout
    const response = newEncoder().writeInt32(0);
    if (transactionalId !== null) {
      broker.warn(`InitProducerId refused for transactional id '${transactionalId}': transactions are not supported`);
      return response.writeInt16(ErrorCode.INVALID_REQUEST).writeInt64(-1).writeInt16(-1);
    }
    return response.writeInt16(ErrorCode.NONE).writeInt64(broker.nextProducerId()).writeInt16(0);
  },
};
