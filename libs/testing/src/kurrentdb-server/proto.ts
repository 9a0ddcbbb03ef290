/**
 * The installed client's own generated protobuf and gRPC modules. Serving these exact
 * definitions keeps the test server on the wire format the client was built against; no
 * .proto text is copied into this repository. The generated serializers check `instanceof`
 * against these modules, so every response message must be built from them.
 */
export * as shared from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb';
export * as streams from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb';
export * as status from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/status_pb';
export * as code from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/code_pb';
export * as features from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb';
export * as gossip from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/gossip_pb';
export { StreamsService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb';
export { ServerFeaturesService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb';
export { GossipService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/gossip_grpc_pb';
export { Any } from 'google-protobuf/google/protobuf/any_pb';
export { Empty as GoogleEmpty } from 'google-protobuf/google/protobuf/empty_pb';
export { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
