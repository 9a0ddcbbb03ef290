/**
 * Wire contracts of the registry, generated from proto/registry/v1 into ./gen (do not edit ./gen:
 * run `npm run contracts:generate`; `scripts/check-contracts.sh` fails when it is stale).
 *
 * The generated names (CitizenEvent, PersonName, Place, Address...) mirror the domain's; import
 * them under an alias or as a namespace where both meet (e.g. in a mapper).
 */
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { CitizenEventSchema, type CitizenEvent } from './gen/registry/v1/citizen_event_pb';

export * from './gen/registry/v1/common_pb';
export * from './gen/registry/v1/events_pb';
export * from './gen/registry/v1/citizen_event_pb';
export * from './gen/registry/v1/feed_pb';
export * from './gen/registry/v1/procedures_pb';

/** A CitizenEvent or a plain object initialising one (missing fields take their defaults). */
export type CitizenEventInit = MessageInitShape<typeof CitizenEventSchema>;

/** The protobuf binary form of a citizen event (the Kafka record value). */
export function encodeCitizenEvent(event: CitizenEvent | CitizenEventInit): Uint8Array {
  return toBinary(CitizenEventSchema, create(CitizenEventSchema, event));
}

/**
 * Decodes the binary form. Fields unknown to this copy of the contract (a newer producer) are kept
 * and written back by `encodeCitizenEvent`; a payload type unknown to it decodes with
 * `payload.case === undefined` while `type` still names it.
 */
export function decodeCitizenEvent(bytes: Uint8Array): CitizenEvent {
  return fromBinary(CitizenEventSchema, bytes);
}
