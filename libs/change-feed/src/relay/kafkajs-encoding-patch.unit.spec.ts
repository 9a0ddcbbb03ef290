/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's protocol modules have no types or exports entry */
import { randomBytes } from 'node:crypto';

/**
 * patches/kafkajs+2.2.4.patch (ADR 0065) rewrites how kafkajs encodes produce requests: a record
 * and its headers in one buffer, varints written in place, encoders sized up front. The bytes
 * must be those of the stock encoder; here kafkajs's own consumer-side decoder (not patched)
 * reads back a produce request the patched encoder wrote, and the CRC of every batch is checked.
 * The relay tests then send through it to the real broker, which validates every batch.
 */
interface Long {
  toString(): string;
}
interface Encoder {
  buffer: Buffer;
}
interface Decoder {
  readString(): string | null;
  readInt16(): number;
  readInt32(): number;
  readArray<T>(read: (decoder: Decoder) => T): T[];
  readBytes(length: number): Buffer;
  offset: number;
  buffer: Buffer;
}
interface DecodedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
  offset: string;
  timestamp: string;
}
interface ProduceMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[]>;
  timestamp?: string;
  partition: number;
}

const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request') as (request: {
  acks: number;
  timeout: number;
  producerId: Long;
  producerEpoch: number;
  topicData: {
    topic: string;
    partitions: { partition: number; firstSequence: number; messages: ProduceMessage[] }[];
  }[];
}) => { encode(): Promise<Encoder> };
const KafkaLong = require('kafkajs/src/utils/long') as { fromNumber(value: number): Long };
const KafkaDecoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => Decoder;
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  decoder: Decoder,
) => Promise<{ records: DecodedRecord[]; firstSequence: number; producerId: string }>;
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;
const Header = require('kafkajs/src/protocol/recordBatch/header/v0') as { writeTo?: unknown };

/** Messages of every shape the encoder meets: null keys and values, large ones, no headers, header lists, old timestamps. */
function messagesOf(partition: number, count: number, now: number): ProduceMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: i % 11 === 0 ? null : randomBytes(i % 300),
    value: i % 13 === 0 ? null : randomBytes((i * 37) % 5000),
    headers:
      i % 5 === 0
        ? undefined
        : { 'event-id': randomBytes(36), 'évènement-type': 'naïve ✓', many: [randomBytes(3), Buffer.alloc(0)] },
    // an hour back, and past 2^31 ms (about 25 days) back: the long varint path
    timestamp: i % 17 === 0 ? String(now - 3_600_000) : i % 19 === 0 ? String(now - 40 * 86_400_000) : undefined,
    partition,
  }));
}

function hex(value: Buffer | string): string {
  return (Buffer.isBuffer(value) ? value : Buffer.from(value)).toString('hex');
}

function sameBytes(decoded: Buffer | null, sent: Buffer | null): boolean {
  return decoded === null || sent === null ? decoded === sent : decoded.equals(sent);
}

describe('kafkajs produce encoding (patched)', () => {
  it('is the patched kafkajs (npm install applies patches/ through postinstall)', () => {
    expect(typeof Header.writeTo).toBe('function');
  });

  it('writes records that kafkajs decodes back field for field, in batches whose CRC holds', async () => {
    const now = Date.now();
    const topicData = ['registry.a', 'registry.agency.bb.v1'].map((topic, t) => ({
      topic,
      partitions: [0, 3].map((partition) => ({
        partition,
        firstSequence: 7 * partition + t,
        messages: messagesOf(partition, 400 + 50 * partition, now),
      })),
    }));
    const encoded = (
      await produceRequest({
        acks: -1,
        timeout: 30_000,
        producerId: KafkaLong.fromNumber(4_000_000_123),
        producerEpoch: 2,
        topicData,
      }).encode()
    ).buffer;

    const decoder = new KafkaDecoder(encoded);
    expect(decoder.readString()).toBeNull(); // transactional id
    expect(decoder.readInt16()).toBe(-1);
    expect(decoder.readInt32()).toBe(30_000);
    const topicCount = decoder.readInt32();
    expect(topicCount).toBe(topicData.length);
    for (const topic of topicData) {
      expect(decoder.readString()).toBe(topic.topic);
      expect(decoder.readInt32()).toBe(topic.partitions.length);
      for (const partition of topic.partitions) {
        expect(decoder.readInt32()).toBe(partition.partition);
        const size = decoder.readInt32();
        const batchBytes = encoded.subarray(decoder.offset, decoder.offset + size);
        // FirstOffset int64, Length int32, PartitionLeaderEpoch int32, Magic int8, then the CRC of the rest
        expect(batchBytes.readUInt32BE(17)).toBe(crc32C(batchBytes.subarray(21)));
        const batch = await decodeRecordBatch(new KafkaDecoder(batchBytes));
        decoder.offset += size;
        expect(batch.producerId).toBe('4000000123');
        expect(batch.firstSequence).toBe(partition.firstSequence);
        expect(batch.records).toHaveLength(partition.messages.length);
        // Differences as text (jest's deep equality over thousands of Buffers takes minutes).
        const differences = batch.records.flatMap((record, i) => {
          const sent = partition.messages[i];
          const expected: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(sent.headers ?? {}))
            expected[name] = Array.isArray(value) ? value.map(hex) : hex(value);
          const decoded: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(record.headers))
            decoded[name] = Array.isArray(value) ? value.map(hex) : hex(value);
          const same =
            record.offset === String(i) &&
            sameBytes(record.key, sent.key) &&
            sameBytes(record.value, sent.value) &&
            (sent.timestamp === undefined || record.timestamp === sent.timestamp) &&
            JSON.stringify(decoded) === JSON.stringify(expected);
          return same ? [] : [`${topic.topic}/${partition.partition} record ${i}`];
        });
        expect(differences).toEqual([]);
      }
    }
    expect(decoder.offset).toBe(encoded.length);
  });
});
