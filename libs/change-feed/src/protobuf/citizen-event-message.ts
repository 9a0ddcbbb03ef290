import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { encodeCitizenEvent, type CitizenEvent, type CitizenEventInit } from '@registry/contracts';
import type { RecordedEvent } from '@registry/event-store';
import type { AgencyEntitlement } from '../entitlements/agency-entitlements';
import { CITIZEN_STREAM_PREFIX } from '../topics';
import { contractShaped } from './contract-shape';
import { payloadInit, PAYLOAD_CONTRACTS, type DroppedField } from './payload-contracts';

/** The envelope fields of a CitizenEvent init (everything but the payload). */
type EnvelopeInit = Partial<Omit<Exclude<CitizenEventInit, CitizenEvent>, 'payload' | '$typeName' | '$unknown'>>;

export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';

/** The citizen's PIN: the stream is `citizen-<PIN>` (DESIGN §3). */
export function pinOf(event: RecordedEvent): string {
  return event.streamId.startsWith(CITIZEN_STREAM_PREFIX) ? event.streamId.slice(CITIZEN_STREAM_PREFIX.length) : event.streamId;
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

/**
 * What every recipient gets: identity, place in the citizen's stream and the two times. Agencies
 * get nothing more of the envelope; the officer, office, roles and correlation ids are the
 * registry's own business (DESIGN §9).
 */
function minimalEnvelope(event: RecordedEvent): EnvelopeInit {
  return {
    eventId: event.eventId,
    type: event.type,
    pin: pinOf(event),
    revision: BigInt(event.revision),
    effectiveAt: effectiveAtOf(event),
    recordedAt: timestampFromDate(event.recordedAt),
    schemaVersion: schemaVersionOf(event),
  };
}

function registryEnvelope(event: RecordedEvent): EnvelopeInit {
  const metadata = event.metadata;
  const actor = (typeof metadata.actor === 'object' && metadata.actor !== null ? metadata.actor : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const roles = Array.isArray(actor.roles) ? actor.roles.filter((role): role is string => typeof role === 'string') : [];
  return {
    ...minimalEnvelope(event),
    actorOffice: text(actor.office),
    actorSub: text(actor.sub),
    correlationId: text(metadata.correlationId),
    causationId: text(metadata.causationId),
    commandId: text(metadata.commandId),
    ...(roles.length > 0 ? { actorRole: roles.join(',') } : {}),
  };
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
  constructor(private readonly report: DroppedFieldReport = () => undefined) {}

  /** The whole event, for `registry.citizen-events.v1`. */
  forRegistry(event: RecordedEvent): Uint8Array {
    const data = contractShaped(event.type, event.data);
    return encodeCitizenEvent({ ...registryEnvelope(event), payload: this.payload(event.type, data) } as CitizenEventInit);
  }

  /** The event reduced to the agency's entitlement, or null when the agency does not get the type. */
  forAgency(agency: AgencyEntitlement, event: RecordedEvent): Uint8Array | null {
    const view = agencyView(agency, event);
    if (view === null) return null;
    return encodeCitizenEvent({ ...minimalEnvelope(event), payload: this.payload(event.type, view) } as CitizenEventInit);
  }

  /** The oneof init; its value's shape was checked field by field against the descriptor. */
  private payload(type: string, data: Record<string, unknown>): { case: string; value: Record<string, unknown> } | undefined {
    const contract = PAYLOAD_CONTRACTS.get(type);
    if (!contract) return undefined;
    const dropped: DroppedField[] = [];
    // The PIN travels in the envelope only (events.proto: payloads do not repeat it).
    const value = payloadInit(contract.message, data, dropped, new Set(['pin']));
    for (const field of dropped) this.report(type, field);
    return { case: contract.oneofCase, value };
  }
}
