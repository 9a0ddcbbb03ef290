/*
 * Wire primitives. The broker reuses kafkajs's own encoder and decoder (kafkajs is pinned to
 * exactly 2.2.4), so the bytes it writes are read by the very code that will parse them.
 * kafkajs ships no types for its internals, hence the small interfaces below.
 */

export interface Encoder {
  writeInt8(value: number): Encoder;
  writeInt16(value: number): Encoder;
  writeInt32(value: number): Encoder;
  writeInt64(value: number | bigint | string): Encoder;
  writeBoolean(value: boolean): Encoder;
  writeString(value: string | null): Encoder;
  writeBytes(value: Buffer | null): Encoder;
  writeBuffer(value: Buffer): Encoder;
  writeEncoder(value: Encoder): Encoder;
  size(): number;
  readonly buffer: Buffer;
}

export interface Decoder {
  offset: number;
  readonly buffer: Buffer;
  readInt8(): number;
  readInt16(): number;
  readInt32(): number;
  readInt64(): bigint;
  readBoolean(): boolean;
  readString(): string | null;
  readBytes(): Buffer | null;
  canReadBytes(length: number): boolean;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const KafkaEncoder: new () => Encoder = require('kafkajs/src/protocol/encoder');
const KafkaDecoder: new (buffer: Buffer) => Decoder = require('kafkajs/src/protocol/decoder');
/* eslint-enable @typescript-eslint/no-require-imports */

export const newEncoder = (): Encoder => new KafkaEncoder();
export const newDecoder = (buffer: Buffer): Decoder => new KafkaDecoder(buffer);

/** Reads an array; a null array (length -1) reads as empty, as kafkajs itself does. */
export function readArray<T>(decoder: Decoder, read: (decoder: Decoder) => T): T[] {
  return readNullableArray(decoder, read) ?? [];
}

/** Reads an array keeping null apart from empty, where the protocol gives them different meanings. */
export function readNullableArray<T>(decoder: Decoder, read: (decoder: Decoder) => T): T[] | null {
  const length = decoder.readInt32();
  if (length < 0) return null;
  const items: T[] = [];
  for (let i = 0; i < length; i++) items.push(read(decoder));
  return items;
}

/** Strings the protocol marks non-nullable still arrive as null from sloppy clients; treat as empty. */
export const readText = (decoder: Decoder): string => decoder.readString() ?? '';

export function writeArray<T>(
  encoder: Encoder,
  items: readonly T[],
  write: (encoder: Encoder, item: T, index: number) => void,
): Encoder {
  encoder.writeInt32(items.length);
  items.forEach((item, index) => write(encoder, item, index));
  return encoder;
}

export const writeInt32Array = (encoder: Encoder, items: readonly number[]): Encoder =>
  writeArray(encoder, items, (e, item) => e.writeInt32(item));

/** Error codes from the Kafka protocol that this broker returns. */
export const ErrorCode = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  COORDINATOR_NOT_AVAILABLE: 15,
  INVALID_TOPIC: 17,
  INVALID_REQUIRED_ACKS: 21,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_REQUEST: 42,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  UNKNOWN_PRODUCER_ID: 59,
  MEMBER_ID_REQUIRED: 79,
  INVALID_RECORD: 87,
} as const;

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  CreatePartitions: 37,
} as const;
