import type { timelineEntry } from './citizen-view';

type Entry = ReturnType<typeof timelineEntry>;

const COLUMNS = [
  'pin',
  'revision',
  'eventId',
  'type',
  'effectiveAt',
  'recordedAt',
  'actorSub',
  'actorOffice',
  'correlationId',
  'data',
] as const;

/** One JSON object per line, for historians' tools that stream. */
export function timelineAsNdjson(entries: readonly Entry[]): string {
  return entries.map((entry) => JSON.stringify(entry)).join('\n') + '\n';
}

/** RFC 4180 CSV with a header row; the event's data is one JSON column. */
export function timelineAsCsv(entries: readonly Entry[]): string {
  const rows = entries.map((e) => [
    e.pin,
    e.revision,
    e.eventId,
    e.type,
    e.effectiveAt,
    e.recordedAt,
    e.actor.sub,
    e.actor.office,
    e.correlationId,
    JSON.stringify(e.data),
  ]);
  return [COLUMNS as readonly unknown[], ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
