import { create } from '@bufbuild/protobuf';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { timestampFromDate, timestampDate } from '@bufbuild/protobuf/wkt';
import {
  CitizenEventSchema,
  Sex,
  decodeCitizenEvent,
  encodeCitizenEvent,
  type CitizenEvent,
  type CitizenEventInit,
} from '@registry/contracts';

/** Top-level fields of encoded bytes: number -> raw value of length-delimited fields (else empty). */
function fieldsOf(bytes: Uint8Array): Map<number, Uint8Array> {
  const fields = new Map<number, Uint8Array>();
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    fields.set(
      number,
      wireType === WireType.LengthDelimited ? reader.bytes() : (reader.skip(wireType), new Uint8Array()),
    );
  }
  return fields;
}

const recordedAt = new Date('2025-07-01T08:30:00.123Z');

function birthEnvelope(overrides: Partial<Exclude<CitizenEventInit, CitizenEvent>> = {}): CitizenEventInit {
  return {
    eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    type: 'BirthRegistered',
    pin: '001225000123',
    revision: 0n,
    effectiveAt: '2025-06-30',
    recordedAt: timestampFromDate(recordedAt),
    actorOffice: '001-00004',
    actorSub: 'officer-42',
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    schemaVersion: 1,
    commandId: 'cmd-1',
    payload: {
      case: 'birthRegistered',
      value: {
        name: { familyName: 'Nguyễn', givenName: 'An' },
        sex: Sex.MALE,
        dateOfBirth: '2025-06-30',
        placeOfBirth: {
          provinceCode: '001',
          detail: 'Bệnh viện Phụ sản Hà Nội',
        },
        nationality: 'VN',
        motherPin: '001195000321',
        registrationProvinceCode: '001',
        permanentResidence: {
          provinceCode: '001',
          communeCode: '00004',
          line: '12 Hàng Bạc',
        },
      },
    },
    ...overrides,
  };
}

describe('CitizenEvent contract', () => {
  it('round-trips a BirthRegistered envelope through bytes', () => {
    const bytes = encodeCitizenEvent(birthEnvelope());
    const decoded = decodeCitizenEvent(bytes);

    expect(decoded.eventId).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(decoded.type).toBe('BirthRegistered');
    expect(decoded.pin).toBe('001225000123');
    expect(decoded.revision).toBe(0n);
    expect(decoded.effectiveAt).toBe('2025-06-30');
    expect(timestampDate(decoded.recordedAt!).toISOString()).toBe(recordedAt.toISOString());
    expect(decoded.actorOffice).toBe('001-00004');
    expect(decoded.actorSub).toBe('officer-42');
    expect(decoded.schemaVersion).toBe(1);
    expect(decoded.payload.case).toBe('birthRegistered');
    if (decoded.payload.case !== 'birthRegistered') throw new Error('unreachable');
    const birth = decoded.payload.value;
    expect(birth.name).toMatchObject({ familyName: 'Nguyễn', givenName: 'An' });
    expect(birth.sex).toBe(Sex.MALE);
    expect(birth.dateOfBirth).toBe('2025-06-30');
    expect(birth.placeOfBirth?.detail).toBe('Bệnh viện Phụ sản Hà Nội');
    expect(birth.motherPin).toBe('001195000321');
    expect(birth.permanentResidence?.communeCode).toBe('00004');

    // Same message, same bytes (deterministic for one contract version).
    expect(encodeCitizenEvent(decoded)).toEqual(bytes);
  });

  it('keeps optional fields absent when unset, and distinguishes them from empty', () => {
    const decoded = decodeCitizenEvent(encodeCitizenEvent(birthEnvelope()));
    if (decoded.payload.case !== 'birthRegistered') throw new Error('expected birthRegistered');
    const birth = decoded.payload.value;

    expect(birth.ethnicity).toBeUndefined();
    expect(birth.fatherPin).toBeUndefined();
    expect(birth.name?.middleName).toBeUndefined();
    expect(decoded.actorRole).toBeUndefined();
    // Not on the wire at all: the BirthRegistered bytes inside the envelope (field 100) carry no
    // ethnicity (6) or father_pin (8), but do carry mother_pin (7).
    const payloadBytes = fieldsOf(encodeCitizenEvent(birthEnvelope())).get(100);
    expect(payloadBytes).toBeDefined();
    const birthFields = fieldsOf(payloadBytes!);
    expect(birthFields.has(6)).toBe(false);
    expect(birthFields.has(8)).toBe(false);
    expect(birthFields.has(7)).toBe(true);

    // An explicitly empty value survives as empty, not absent.
    const withEmpty = decodeCitizenEvent(
      encodeCitizenEvent(
        birthEnvelope({
          payload: {
            case: 'birthRegistered',
            value: { nationality: 'VN', ethnicity: '' },
          },
        }),
      ),
    );
    if (withEmpty.payload.case !== 'birthRegistered') throw new Error('expected birthRegistered');
    expect(withEmpty.payload.value.ethnicity).toBe('');
    expect(withEmpty.payload.value.permanentResidence).toBeUndefined();
  });

  it('keeps the type of a payload unknown to this contract version', () => {
    // A newer producer's payload in a oneof number this copy does not know (999).
    const known = encodeCitizenEvent(birthEnvelope({ type: 'CitizenImported', payload: { case: undefined } }));
    const futurePayload = new BinaryWriter()
      .tag(999, WireType.LengthDelimited)
      .bytes(new Uint8Array([1, 2]))
      .finish();
    const bytes = new Uint8Array([...known, ...futurePayload]);

    const decoded = decodeCitizenEvent(bytes);
    expect(decoded.type).toBe('CitizenImported');
    expect(decoded.payload.case).toBeUndefined();
    // Unknown fields are preserved when re-encoded (a relay does not drop them).
    expect(encodeCitizenEvent(decoded)).toEqual(bytes);
    expect(create(CitizenEventSchema).payload.case).toBeUndefined();
  });
});
