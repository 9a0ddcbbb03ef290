/*
 * Reads the fixed header of a v2 record batch (magic 2). The broker never looks at the records
 * themselves: batches are stored exactly as produced and only the base offset is rewritten. The
 * base offset and the length sit before the CRC-covered part, so the stored batch stays valid.
 *
 *   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 *   attributes int16 | lastOffsetDelta int32 | firstTimestamp int64 | maxTimestamp int64 |
 *   producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32 | records...
 */

import { type Decoder, newDecoder } from './protocol';

export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes not counted in batchLength. */
const LOG_OVERHEAD = 12;
const MAGIC_OFFSET = 16;

export interface BatchHeader {
  readonly lastOffsetDelta: number;
  readonly maxTimestamp: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
  readonly transactional: boolean;
}

export function readBatchHeader(batch: Buffer): BatchHeader {
  const attributes = batch.readInt16BE(21);
  return {
    lastOffsetDelta: batch.readInt32BE(23),
    maxTimestamp: Number(batch.readBigInt64BE(35)),
    producerId: batch.readBigInt64BE(43),
    producerEpoch: batch.readInt16BE(51),
    baseSequence: batch.readInt32BE(53),
    recordCount: batch.readInt32BE(57),
    transactional: (attributes & 0x10) !== 0,
  };
}

export function setBaseOffset(batch: Buffer, baseOffset: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), 0);
}

export type SplitResult = { batches: Buffer[] } | { error: 'corrupt' | 'old-format' };

/** Splits a produced record set into its batches (copied, so the request buffer can be released). */
export function splitRecordSet(recordSet: Buffer): SplitResult {
  const batches: Buffer[] = [];
  let position = 0;
  while (position < recordSet.length) {
    if (recordSet.length - position <= MAGIC_OFFSET) return { error: 'corrupt' };
    const size = LOG_OVERHEAD + recordSet.readInt32BE(position + 8);
    if (size > recordSet.length - position) return { error: 'corrupt' };
    if (recordSet.readInt8(position + MAGIC_OFFSET) !== 2) return { error: 'old-format' };
    if (size < BATCH_HEADER_SIZE) return { error: 'corrupt' };
    batches.push(Buffer.from(recordSet.subarray(position, position + size)));
    position += size;
  }
  return { batches };
}

/** Kafka sequences are int32 and wrap to 0 after the maximum, as kafkajs's producer does. */
export function addToSequence(sequence: number, increment: number): number {
  const max = 2 ** 31 - 1;
  return sequence > max - increment ? increment - (max - sequence) - 1 : sequence + increment;
}

export interface StoredRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer | Buffer[] | undefined>;
}

interface DecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[] | undefined>;
}

type BatchDecoder = (decoder: Decoder) => Promise<{ records: DecodedRecord[] }>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const decodeRecordBatch: BatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder');

/** Decodes the records of one stored batch with kafkajs's decoder (which also decompresses). */
export async function decodeBatchRecords(batch: Buffer): Promise<StoredRecord[]> {
  const { records } = await decodeRecordBatch(newDecoder(batch));
  return records.map((record) => ({
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
    key: record.key,
    value: record.value,
    headers: record.headers,
  }));
}
