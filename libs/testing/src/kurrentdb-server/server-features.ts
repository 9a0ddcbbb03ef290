/**
 * ServerFeatures.GetSupportedMethods: the first call a client makes. The Node client uses
 * BatchAppend only when it is listed here, so advertising it is a switch that selects which
 * append path the client exercises.
 */
import type { handleUnaryCall } from '@grpc/grpc-js';
import { features, type shared } from './proto';

/** A version the clients accept as "modern" (caught-up messages, log positions on stream reads). */
export const SERVER_VERSION = '24.10.0';

/** Feature flags (the `features` list) matter only to persistent subscriptions, which are not served. */
const method = (serviceName: string, methodName: string, featureList: string[] = []) => {
  const supported = new features.SupportedMethod();
  supported.setServiceName(serviceName);
  // Lower case, as the real server reports them; clients compare case-insensitively.
  supported.setMethodName(methodName);
  supported.setFeaturesList(featureList);
  return supported;
};

export function getSupportedMethods(options: {
  batchAppend: boolean;
}): handleUnaryCall<shared.Empty, features.SupportedMethods> {
  return (_call, callback) => {
    const streams = 'event_store.client.streams.Streams';
    const methods = [
      method(streams, 'read'),
      method(streams, 'append'),
      method(streams, 'delete'),
      method(streams, 'tombstone'),
      ...(options.batchAppend ? [method(streams, 'batchappend')] : []),
      method('event_store.client.server_features.ServerFeatures', 'getsupportedmethods'),
      method('event_store.client.gossip.Gossip', 'read'),
    ];
    const response = new features.SupportedMethods();
    response.setMethodsList(methods);
    response.setEventStoreServerVersion(SERVER_VERSION);
    callback(null, response);
  };
}
