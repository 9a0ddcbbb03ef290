import type { DescMessage } from '@bufbuild/protobuf';
import type { CitizenEvent as ContractEvent } from '@registry/contracts';
import type { CitizenEvent, CitizenEventType } from '@registry/domain';
import { contractShaped } from '../protobuf/contract-shape';
import { PAYLOAD_CONTRACTS } from '../protobuf/payload-contracts';
import { correctionsOf, lifeOf } from './citizen-lives';

type EventOf<T extends CitizenEventType> = Extract<CitizenEvent, { type: T }>;

/**
 * One event of every type of the domain's event union, with every fact the type allows set (a
 * field left null could be lost unseen). The mapped type is the union itself: a new event type
 * fails to compile here until it has a sample, and the round-trip test then fails until the
 * contract carries it.
 */
export function oneOfEachType(pin: string, newPin: string): { [T in CitizenEventType]: EventOf<T> } {
  const life = lifeOf(pin);
  const [renamed, corrected, , reestablished] = correctionsOf(pin, newPin);
  const home = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
  const away = { provinceCode: '079', communeCode: '26734', line: '5 Lê Lợi' };
  const birth = life[0] as EventOf<'BirthRegistered'>;
  return {
    BirthRegistered: { ...birth, data: { ...birth.data, fatherPin: '001090012345' } },
    CitizenImported: {
      type: 'CitizenImported',
      data: {
        pin,
        name: { familyName: 'Trần', middleName: 'Thị', givenName: 'Mai' },
        sex: 'female',
        dateOfBirth: '1950-02-03',
        placeOfBirth: { provinceCode: '001', detail: 'Hàng Bạc' },
        nationality: 'VN',
        ethnicity: 'Kinh',
        motherPin: '001190012345',
        fatherPin: '001090012345',
        permanentResidence: { address: home, since: '1970-01-01' },
        dateOfDeath: '2020-05-06',
        importedOn: '2026-11-30',
      },
    },
    PermanentResidenceRegistered: life[4] as EventOf<'PermanentResidenceRegistered'>,
    TemporaryResidenceRegistered: life[2] as EventOf<'TemporaryResidenceRegistered'>,
    TemporaryResidenceEnded: life[3] as EventOf<'TemporaryResidenceEnded'>,
    PermanentResidenceCancelled: life[5] as EventOf<'PermanentResidenceCancelled'>,
    DeathRegistered: {
      type: 'DeathRegistered',
      data: {
        pin,
        dateOfDeath: '2025-01-02',
        placeOfDeath: { provinceCode: '079', detail: 'Bệnh viện Chợ Rẫy' },
        certificateNumber: 'KT-2025-000001',
      },
    },
    DeathAnnulled: {
      type: 'DeathAnnulled',
      data: {
        pin,
        dateOfDeath: '2025-01-02',
        reason: 'registered in error',
        legalBasis: 'QĐ 45/2025',
        restoredPermanentResidence: { address: home, since: '2024-03-04' },
        restoredTemporaryResidence: { address: away, from: '2024-06-01', until: '2025-06-01' },
        restoredMarriage: { marriageId: 'f8ab18d2-7557-5656-9815-0609eba28fb2', spousePin: '001090054321' },
        maritalStatus: 'married',
        spousePin: '001090054321',
      },
    },
    MarriageRegistered: {
      type: 'MarriageRegistered',
      data: {
        pin,
        marriageId: 'f8ab18d2-7557-5656-9815-0609eba28fb2',
        spousePin: '001090054321',
        marriageDate: '2024-05-20',
        certificateNumber: 'KH-2024-000045',
      },
    },
    MarriageWithdrawn: {
      type: 'MarriageWithdrawn',
      data: {
        pin,
        marriageId: 'f8ab18d2-7557-5656-9815-0609eba28fb2',
        spousePin: '001090054321',
        marriageDate: '2024-05-20',
        maritalStatus: 'divorced',
        reason: 'ALREADY_MARRIED',
      },
    },
    DivorceRegistered: {
      type: 'DivorceRegistered',
      data: {
        pin,
        marriageId: 'f8ab18d2-7557-5656-9815-0609eba28fb2',
        spousePin: '001090054321',
        divorceDate: '2025-03-01',
        decisionNumber: 'BA-12/2025',
      },
    },
    MarriageEndedByDeath: {
      type: 'MarriageEndedByDeath',
      data: {
        pin,
        marriageId: 'f8ab18d2-7557-5656-9815-0609eba28fb2',
        spousePin: '001090054321',
        deceasedPin: '001090054321',
        endedOn: '2025-01-02',
      },
    },
    MarriageRestored: {
      type: 'MarriageRestored',
      data: {
        pin,
        marriageId: 'f8ab18d2-7557-5656-9815-0609eba28fb2',
        spousePin: '001090054321',
        endedOn: '2025-01-02',
      },
    },
    NameChanged: renamed as EventOf<'NameChanged'>,
    // With the event it corrects (`corrects`), so the contract's corrected_event_id round-trips too.
    RecordCorrected: {
      ...(corrected as EventOf<'RecordCorrected'>),
      data: {
        ...(corrected as EventOf<'RecordCorrected'>).data,
        correctedEventId: '5b0b5f3e-8a51-4c39-9a57-0c4d2a1e6f10',
      },
    },
    PinReestablished: reestablished as EventOf<'PinReestablished'>,
    CitizenContinued: {
      type: 'CitizenContinued',
      data: {
        pin: newPin,
        previousPin: pin,
        effectiveDate: '2024-03-04',
        record: {
          name: { familyName: 'Nguyễn', middleName: 'Thị', givenName: 'An' },
          sex: 'female',
          dateOfBirth: '2024-03-04',
          placeOfBirth: { provinceCode: '001', detail: 'Bệnh viện Bạch Mai' },
          nationality: 'VN',
          ethnicity: 'Kinh',
          motherPin: '001190012345',
          fatherPin: '001090012345',
          status: 'deceased',
          dateOfDeath: '2025-01-02',
          maritalStatus: 'single',
          spousePin: null,
          permanentResidence: { address: home, since: '2024-03-04' },
          temporaryResidence: { address: away, from: '2024-06-01', until: '2025-06-01' },
          names: {
            atBirth: { familyName: 'Nguyễn', middleName: 'Thị', givenName: 'Ân' },
            changes: [
              {
                effectiveDate: '2024-05-01',
                name: { familyName: 'Trần', middleName: null, givenName: 'Bình' },
                eventId: '0f6d2c1e-3b7a-4f0e-9d3c-1a2b3c4d5e6f',
              },
              { effectiveDate: '2024-09-01', name: { familyName: 'Nguyễn', middleName: 'Thị', givenName: 'An' } },
            ],
          },
        },
        marriage: {
          marriageId: 'f8ab18d2-7557-5656-9815-0609eba28fb2',
          spousePin: '001090054321',
          since: '2024-05-20',
          endedOn: '2025-01-02',
          previousStatus: 'single',
        },
      },
    },
    SpousePinReestablished: {
      type: 'SpousePinReestablished',
      data: {
        pin,
        marriageId: 'f8ab18d2-7557-5656-9815-0609eba28fb2',
        previousSpousePin: '001090054321',
        spousePin: '001089054321',
        effectiveDate: '1989-01-02',
      },
    },
  };
}

/** The domain's data as the contract should carry it: contract names, no PIN (the envelope has it), no nulls. */
export function expectedPayload(event: { type: string; data: object }): Record<string, unknown> {
  const { pin: _pin, ...data } = event.data as Record<string, unknown>;
  return withoutNulls(contractShaped(event.type, data)) as Record<string, unknown>;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/**
 * A decoded payload back in the domain's JSON forms, read through the contract's descriptors:
 * proto JSON names, enums as the domain's lower-case words ('SEX_MALE' -> 'male'), unset fields absent.
 */
export function payloadAsDomainJson(event: ContractEvent): Record<string, unknown> {
  const contract = PAYLOAD_CONTRACTS.get(event.type);
  if (!contract || event.payload.case === undefined) return {};
  return messageAsJson(contract.message, event.payload.value as unknown as Record<string, unknown>);
}

function messageAsJson(message: DescMessage, value: Record<string, unknown>): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const field of message.fields) {
    const v = value[field.localName];
    if (v === undefined || v === '' || (field.fieldKind === 'enum' && v === 0)) continue;
    if (field.fieldKind === 'enum')
      json[field.jsonName] = field.enum.values.find((e) => e.number === v)?.localName.toLowerCase();
    else if (field.fieldKind === 'message')
      json[field.jsonName] = messageAsJson(field.message, v as Record<string, unknown>);
    else if (field.fieldKind === 'list' && field.listKind === 'message') {
      const items = v as Array<Record<string, unknown>>;
      if (items.length > 0) json[field.jsonName] = items.map((item) => messageAsJson(field.message, item));
    } else json[field.jsonName] = v;
  }
  return json;
}
