import { ErrorCode } from './protocol';
import {
  addToSequence,
  type BatchHeader,
  decodeBatchRecords,
  readBatchHeader,
  setBaseOffset,
  type StoredRecord,
} from './record-batch';

interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
  readonly bytes: Buffer;
}

interface AppendedSequence {
  readonly baseSequence: number;
  readonly lastSequence: number;
  readonly baseOffset: number;
}

interface ProducerState {
  epoch: number;
  lastSequence: number;
  /** The last few batches, to recognise a retry of a batch that was already appended. */
  recent: AppendedSequence[];
}

/** Kafka remembers the last five batches of each producer (max.in.flight for idempotence). */
const REMEMBERED_BATCHES = 5;

export interface AppendResult {
  readonly errorCode: number;
  readonly baseOffset: number;
}

/** One partition's log: produced record batches kept verbatim, with offsets assigned on append. */
export class PartitionLog {
  private readonly batches: StoredBatch[] = [];
  private nextOffset = 0;
  private readonly producers = new Map<bigint, ProducerState>();

  /** Offset the next record will get; also the high watermark, as there are no replicas to wait for. */
  get endOffset(): number {
    return this.nextOffset;
  }

  /** Nothing is ever deleted, so the log always starts at 0. */
  get startOffset(): number {
    return 0;
  }

  append(batch: Buffer): AppendResult {
    const header = readBatchHeader(batch);
    if (header.lastOffsetDelta < 0) return { errorCode: ErrorCode.INVALID_RECORD, baseOffset: -1 };
    const lastSequence = addToSequence(header.baseSequence, header.lastOffsetDelta);

    if (header.producerId >= 0n) {
      const check = this.checkSequence(header, lastSequence);
      if (check.errorCode !== ErrorCode.NONE || check.baseOffset >= 0) return check;
    }

    const baseOffset = this.nextOffset;
    setBaseOffset(batch, baseOffset);
    this.batches.push({
      baseOffset,
      lastOffset: baseOffset + header.lastOffsetDelta,
      maxTimestamp: header.maxTimestamp,
      bytes: batch,
    });
    this.nextOffset = baseOffset + header.lastOffsetDelta + 1;

    if (header.producerId >= 0n) this.rememberSequence(header, lastSequence, baseOffset);
    return { errorCode: ErrorCode.NONE, baseOffset };
  }

  /**
   * Idempotent producer rules, as in Kafka: a retried batch (same epoch and sequence range as one
   * of the recent batches) is acknowledged with its original offset and not appended again; any
   * other batch must continue the sequence exactly.
   * Returns baseOffset >= 0 for a duplicate, an error code for a rejected batch, else NONE and -1.
   */
  private checkSequence(header: BatchHeader, lastSequence: number): AppendResult {
    const accept = { errorCode: ErrorCode.NONE, baseOffset: -1 };
    const state = this.producers.get(header.producerId);
    if (!state) {
      return header.baseSequence === 0 ? accept : { errorCode: ErrorCode.UNKNOWN_PRODUCER_ID, baseOffset: -1 };
    }
    if (header.producerEpoch < state.epoch) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, baseOffset: -1 };
    if (header.producerEpoch > state.epoch) {
      return header.baseSequence === 0 ? accept : { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 };
    }
    const duplicate = state.recent.find(
      (s) => s.baseSequence === header.baseSequence && s.lastSequence === lastSequence,
    );
    if (duplicate) return { errorCode: ErrorCode.NONE, baseOffset: duplicate.baseOffset };
    if (header.baseSequence !== addToSequence(state.lastSequence, 1)) {
      return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 };
    }
    return accept;
  }

  private rememberSequence(header: BatchHeader, lastSequence: number, baseOffset: number): void {
    let state = this.producers.get(header.producerId);
    if (!state || state.epoch !== header.producerEpoch) {
      state = { epoch: header.producerEpoch, lastSequence, recent: [] };
      this.producers.set(header.producerId, state);
    }
    state.lastSequence = lastSequence;
    state.recent.push({ baseSequence: header.baseSequence, lastSequence, baseOffset });
    if (state.recent.length > REMEMBERED_BATCHES) state.recent.shift();
  }

  /**
   * Batches from the one holding `fromOffset` onwards, up to `maxBytes`. Whole batches only; the
   * first batch may start before `fromOffset` (clients skip those records, as with real Kafka).
   * With `atLeastOne`, an oversized first batch is still returned so a consumer cannot get stuck.
   */
  read(fromOffset: number, maxBytes: number, atLeastOne: boolean): Buffer[] {
    const found: Buffer[] = [];
    let size = 0;
    for (let i = this.indexOfBatchWith(fromOffset); i < this.batches.length; i++) {
      const bytes = this.batches[i].bytes;
      if (size + bytes.length > maxBytes && !(atLeastOne && found.length === 0)) break;
      found.push(bytes);
      size += bytes.length;
    }
    return found;
  }

  /** First offset whose record timestamp is >= `timestamp`, or null when there is none. */
  async offsetForTimestamp(timestamp: number): Promise<{ offset: number; timestamp: number } | null> {
    for (const batch of this.batches) {
      if (batch.maxTimestamp < timestamp) continue;
      const records = await decodeBatchRecords(batch.bytes).catch(() => null);
      // A batch compressed with a codec kafkajs has not registered cannot be opened: answer per batch.
      if (!records) return { offset: batch.baseOffset, timestamp: batch.maxTimestamp };
      const record = records.find((r) => r.timestamp >= timestamp);
      if (record) return { offset: record.offset, timestamp: record.timestamp };
    }
    return null;
  }

  async records(): Promise<StoredRecord[]> {
    const records: StoredRecord[] = [];
    for (const batch of this.batches) records.push(...(await decodeBatchRecords(batch.bytes)));
    return records;
  }

  /** Binary search for the first batch whose last offset is >= `offset`. */
  private indexOfBatchWith(offset: number): number {
    let low = 0;
    let high = this.batches.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.batches[middle].lastOffset < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
