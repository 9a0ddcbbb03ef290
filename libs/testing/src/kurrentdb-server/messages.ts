/** Conversions between the wire messages and the log's records. int64 fields are decimal strings (jstype = JS_STRING). */
import type { ExpectedState, Position, StoredEvent } from './log';
import { shared, streams } from './proto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const U64 = (1n << 64n) - 1n;

export function streamNameOf(identifier: shared.StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

export function streamIdentifier(name: string): shared.StreamIdentifier {
  const identifier = new shared.StreamIdentifier();
  identifier.setStreamName(Buffer.from(name, 'utf8'));
  return identifier;
}

/** Canonical lower-case text, like the server's Guid round trip; undefined when malformed. */
export function uuidText(uuid: shared.UUID | undefined): string | undefined {
  if (!uuid) return undefined;
  let text: string;
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    const hex = (value: string) => (BigInt(value) & U64).toString(16).padStart(16, '0');
    const ms = hex(structured.getMostSignificantBits());
    const ls = hex(structured.getLeastSignificantBits());
    text = `${ms.slice(0, 8)}-${ms.slice(8, 12)}-${ms.slice(12)}-${ls.slice(0, 4)}-${ls.slice(4)}`;
  } else {
    text = uuid.getString().toLowerCase();
  }
  return UUID.test(text) ? text : undefined;
}

export function uuidMessage(id: string, structured: boolean): shared.UUID {
  const uuid = new shared.UUID();
  if (!structured) return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  const bits = new shared.UUID.Structured();
  bits.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  bits.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(bits);
}

/** The oneof every request uses for an expected revision, read through the generated case enum. */
export function expectedState(
  options: {
    hasAny(): boolean;
    hasNoStream(): boolean;
    hasStreamExists(): boolean;
  },
  revision: () => string | undefined,
): ExpectedState {
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  const exact = revision();
  if (exact !== undefined) return { kind: 'revision', revision: BigInt(exact) };
  return { kind: 'any' };
}

export function readEvent(event: StoredEvent, structuredIds: boolean): streams.ReadResp {
  const recorded = new streams.ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(uuidMessage(event.eventId, structuredIds));
  recorded.setStreamIdentifier(streamIdentifier(event.streamId));
  recorded.setStreamRevision(event.revision.toString());
  recorded.setPreparePosition(event.prepare.toString());
  recorded.setCommitPosition(event.commit.toString());
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.created.toString());
  recorded.setCustomMetadata(event.customMetadata);
  recorded.setData(event.data);
  const read = new streams.ReadResp.ReadEvent();
  read.setEvent(recorded);
  read.setCommitPosition(event.commit.toString());
  return new streams.ReadResp().setEvent(read);
}

export function positionOf(position: { getCommitPosition(): string; getPreparePosition(): string }): Position {
  return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
}
