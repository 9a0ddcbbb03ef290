import type { Api } from '../context';
import { ApiKey, ErrorCode, newEncoder, writeArray } from '../protocol';

/**
 * ApiVersions v0-v2. kafkajs picks min(its highest, our highest) for every API, so only fully
 * implemented ranges are listed. A newer request version is answered in the v0 layout with
 * UNSUPPORTED_VERSION, as Kafka does, so that the client retries with an older one.
 */
export function createApiVersionsApi(supported: () => readonly Api[]): Api {
  return {
    key: ApiKey.ApiVersions,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 2,
    handle(_request, { apiVersion }) {
      const tooNew = apiVersion > 2;
      const response = newEncoder().writeInt16(tooNew ? ErrorCode.UNSUPPORTED_VERSION : ErrorCode.NONE);
      const apis = [...supported()].sort((a, b) => a.key - b.key);
      writeArray(response, apis, (e, api) =>
        e.writeInt16(api.key).writeInt16(api.minVersion).writeInt16(api.maxVersion),
      );
      if (apiVersion >= 1 && !tooNew) response.writeInt32(0);
      return response;
    },
  };
}
