import { CitizenEventSchema } from '@registry/contracts';
import type { RecordedEvent } from '@registry/event-store';
import type { AgencyEntitlement } from '../entitlements/agency-entitlements';
import { contractShaped } from './contract-shape';
import { PAYLOAD_CONTRACTS, writeFields, type DroppedField } from './payload-contracts';
import { ProtoWriter, Wire } from './proto-writer';
import { isCitizenStream, pinOfCitizenStream } from '@registry/domain';

export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';

/** The citizen's PIN: the stream is `citizen-<PIN>` (DESIGN §3). */
export function pinOf(event: RecordedEvent): string {
  return isCitizenStream(event.streamId) ? pinOfCitizenStream(event.streamId) : event.streamId;
}

/** The civil date the fact happened (metadata `effectiveAt`), or '' when an event lacks it. */
export function effectiveAtOf(event: RecordedEvent): string {
  return typeof event.metadata.effectiveAt === 'string' ? event.metadata.effectiveAt : '';
}

export function schemaVersionOf(event: RecordedEvent): number {
  const version = event.metadata.schemaVersion;
  return Number.isInteger(version) && (version as number) > 0 ? (version as number) : 1;
}

/** Kafka headers of API.md: consumers route and deduplicate without decoding the value. */
export function feedHeaders(event: RecordedEvent): Record<string, string> {
  return {
    'event-id': event.eventId,
    'event-type': event.type,
    'schema-version': String(schemaVersionOf(event)),
    'content-type': PROTOBUF_CONTENT_TYPE,
  };
}

/** Field numbers of the envelope, from the generated descriptor (a renamed field fails at load). */
const FIELD = Object.fromEntries(CitizenEventSchema.fields.map((field) => [field.localName, field.number])) as Record<
  string,
  number
>;
for (const name of [
  'eventId',
  'type',
  'pin',
  'revision',
  'effectiveAt',
  'recordedAt',
  'actorOffice',
  'actorSub',
  'correlationId',
  'causationId',
  'schemaVersion',
  'commandId',
  'actorRole',
]) {
  if (FIELD[name] === undefined) throw new Error(`registry.v1.CitizenEvent has no field ${name}`);
}

/** A proto3 string without presence: absent when empty. */
function text(writer: ProtoWriter, no: number, value: string): void {
  if (value !== '') writer.tag(no, Wire.LengthDelimited).string(value);
}

/**
 * The envelope, in field-number order with zero values left out. Agencies get identity, place in
 * the citizen's stream, the two times and the schema version; the officer, office, roles and
 * correlation ids are the registry's own business (DESIGN §9), on its own topic only.
 */
function writeEnvelope(writer: ProtoWriter, event: RecordedEvent, forRegistry: boolean): void {
  text(writer, FIELD.eventId, event.eventId);
  text(writer, FIELD.type, event.type);
  text(writer, FIELD.pin, pinOf(event));
  if (event.revision > 0) writer.tag(FIELD.revision, Wire.Varint).uint64(BigInt(event.revision));
  text(writer, FIELD.effectiveAt, effectiveAtOf(event));
  const ms = event.recordedAt.getTime();
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1_000_000;
  writer.tag(FIELD.recordedAt, Wire.LengthDelimited).fork(); // google.protobuf.Timestamp
  if (seconds !== 0) writer.tag(1, Wire.Varint).int64(BigInt(seconds));
  if (nanos !== 0) writer.tag(2, Wire.Varint).int32(nanos);
  writer.join();
  const metadata = event.metadata;
  const actor = (
    forRegistry && typeof metadata.actor === 'object' && metadata.actor !== null ? metadata.actor : {}
  ) as Record<string, unknown>;
  const string = (value: unknown) => (typeof value === 'string' ? value : '');
  if (forRegistry) {
    text(writer, FIELD.actorOffice, string(actor.office));
    text(writer, FIELD.actorSub, string(actor.sub));
    text(writer, FIELD.correlationId, string(metadata.correlationId));
    text(writer, FIELD.causationId, string(metadata.causationId));
  }
  writer.tag(FIELD.schemaVersion, Wire.Varint).uint32(schemaVersionOf(event));
  if (forRegistry) {
    text(writer, FIELD.commandId, string(metadata.commandId));
    const roles = Array.isArray(actor.roles)
      ? actor.roles.filter((role): role is string => typeof role === 'string')
      : [];
    if (roles.length > 0) writer.tag(FIELD.actorRole, Wire.LengthDelimited).string(roles.join(','));
  }
}

/**
 * The event's data as an agency may see it: in the contract's shape, reduced to its entitled
 * fields; null when the agency does not get the event. Kafka payloads and the HTTP feed are both
 * built from this alone.
 */
export function agencyView(agency: AgencyEntitlement, event: RecordedEvent): Record<string, unknown> | null {
  if (!agency.entitles(event.type)) return null;
  return agency.view(event.type, contractShaped(event.type, event.data));
}

/** Reports a domain value the contract could not carry (once per type and field: see the relay). */
export type DroppedFieldReport = (type: string, dropped: DroppedField) => void;

/**
 * Maps recorded domain events to `registry.v1.CitizenEvent` bytes. Types the contract does not
 * know (yet) travel as an envelope without payload: consumers still see that something happened
 * and its `type`, as the contract's comment on `type` promises.
 */
export class CitizenEventEncoder {
  /** Reused: encoding is synchronous, one message at a time. */
  private readonly writer = new ProtoWriter();
  /**
   * The agencies' envelope of the last event encoded for an agency: the same bytes for every
   * agency (only the payload differs), so an event's agency records write it once.
   */
  private readonly agencyEnvelope = new ProtoWriter();
  private agencyEnvelopeOf: RecordedEvent | null = null;

  constructor(private readonly report: DroppedFieldReport = () => undefined) {}

  /** The whole event, for `registry.citizen-events.v1`. */
  forRegistry(event: RecordedEvent): Buffer {
    const writer = this.writer.reset();
    writeEnvelope(writer, event, true);
    return this.encodePayload(writer, event, contractShaped(event.type, event.data));
  }

  /** The event reduced to the agency's entitlement, or null when the agency does not get the type. */
  forAgency(agency: AgencyEntitlement, event: RecordedEvent): Buffer | null {
    const view = agencyView(agency, event);
    if (view === null) return null;
    // Recorded events are not changed once read, so the same object has the same envelope.
    if (this.agencyEnvelopeOf !== event) {
      writeEnvelope(this.agencyEnvelope.reset(), event, false);
      this.agencyEnvelopeOf = event;
    }
    return this.encodePayload(this.writer.reset().raw(this.agencyEnvelope.written()), event, view);
  }

  private encodePayload(writer: ProtoWriter, event: RecordedEvent, data: Record<string, unknown>): Buffer {
    const contract = PAYLOAD_CONTRACTS.get(event.type);
    if (!contract) this.report(event.type, { path: '', reason: 'not in the contract' });
    else {
      // Payload numbers (100+) follow every envelope field (1-99, citizen_event.proto), so this is
      // field-number order. The PIN travels in the envelope only (events.proto).
      const dropped: DroppedField[] = [];
      writer.tag(contract.field.number, Wire.LengthDelimited).fork();
      writeFields(writer, contract.message, data, dropped, '', 'pin');
      writer.join();
      for (const field of dropped) this.report(event.type, field);
    }
    return writer.finish();
  }
}
