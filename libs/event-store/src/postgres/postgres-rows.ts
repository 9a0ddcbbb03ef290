import type { RecordedEvent } from '../event-store.port';

export interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  /** Left out by a read without metadata. */
  metadata?: Record<string, unknown>;
  recorded_at: Date;
}

export const EVENT_COLUMNS =
  'global_position, transaction_id, stream_id, revision, event_id, type, data, metadata, recorded_at';

/** The columns without the metadata (ReadAllOptions.withoutMetadata): the row's `metadata` is undefined. */
export const EVENT_COLUMNS_WITHOUT_METADATA =
  'global_position, transaction_id, stream_id, revision, event_id, type, data, recorded_at';

const NO_METADATA: Record<string, unknown> = Object.freeze({});

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
    data: row.data,
    metadata: row.metadata ?? NO_METADATA,
    recordedAt: row.recorded_at,
  };
}
