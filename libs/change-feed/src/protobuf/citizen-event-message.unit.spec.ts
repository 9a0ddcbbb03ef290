import { timestampDate } from '@bufbuild/protobuf/wkt';
import { join } from 'node:path';
import { CancellationReason, decodeCitizenEvent, encodeCitizenEvent, Sex } from '@registry/contracts';
import { AgencyEntitlements } from '../entitlements/agency-entitlements';
import { correctionsOf, lifeOf, recorded } from '../test-support/citizen-lives';
import { CitizenEventEncoder, feedHeaders } from './citizen-event-message';
import type { DroppedField } from './payload-contracts';

const PIN = '001224000042';

function encoderReporting() {
  const dropped: Array<{ type: string } & DroppedField> = [];
  return { encoder: new CitizenEventEncoder((type, field) => dropped.push({ type, ...field })), dropped };
}

describe('CitizenEventEncoder.forRegistry', () => {
  it('maps every field of every domain event type the contract knows (nothing dropped)', () => {
    const { encoder, dropped } = encoderReporting();
    for (const [revision, event] of lifeOf(PIN).entries()) {
      const decoded = decodeCitizenEvent(encoder.forRegistry(recorded(event, revision)));
      expect(decoded.type).toBe(event.type);
      expect(decoded.payload.case?.toLowerCase()).toBe(event.type.toLowerCase());
    }
    expect(dropped).toEqual([]);
  });

  it('maps the events whose domain shape differs from the contract: name changes, corrections', () => {
    const { encoder, dropped } = encoderReporting();
    const [renamed, ethnicity, , reestablished] = correctionsOf(PIN, '001324000042').map((event, i) =>
      decodeCitizenEvent(encoder.forRegistry(recorded(event, i + 1))),
    );
    if (renamed.payload.case !== 'nameChanged') throw new Error('not a name change');
    expect(renamed.payload.value).toMatchObject({
      newName: { givenName: 'Bình' },
      previousName: { givenName: 'An' },
      effectiveDate: '2024-05-01',
    });
    if (ethnicity.payload.case !== 'recordCorrected') throw new Error('not a correction');
    expect(ethnicity.payload.value).toMatchObject({
      field: 'ethnicity',
      oldValueJson: '"Kinh"',
      newValueJson: '"Tày"',
      legalBasis: 'QĐ 12/2024',
    });
    if (reestablished.payload.case !== 'pinReestablished') throw new Error('not a PIN re-establishment');
    expect(reestablished.payload.value).toMatchObject({ newPin: '001324000042', correctedField: 'sex' });
    expect(dropped).toEqual([]);
  });

  it('carries the envelope: ids, PIN from the stream, revision, both times, actor and correlation', () => {
    const event = recorded(lifeOf(PIN)[0], 0);
    const decoded = decodeCitizenEvent(new CitizenEventEncoder().forRegistry(event));
    expect(decoded).toMatchObject({
      eventId: event.eventId,
      type: 'BirthRegistered',
      pin: PIN,
      revision: 0n,
      effectiveAt: '2024-03-05',
      actorOffice: '001',
      actorSub: 'officer-test',
      actorRole: 'officer',
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      commandId: event.metadata.commandId,
      schemaVersion: 1,
    });
    expect(timestampDate(decoded.recordedAt!).toISOString()).toBe('2025-07-01T08:30:00.123Z');
  });

  it('maps values: names, nulls to absent, enums, nested messages', () => {
    const encoder = new CitizenEventEncoder();
    const [birth, , , , moved, cancelled] = lifeOf(PIN).map((event, revision) =>
      decodeCitizenEvent(encoder.forRegistry(recorded(event, revision))),
    );
    if (birth.payload.case !== 'birthRegistered') throw new Error('not a birth');
    expect(birth.payload.value).toMatchObject({
      name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
      sex: Sex.MALE,
      ethnicity: 'Kinh',
      motherPin: '001190012345',
      permanentResidence: { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' },
    });
    expect(birth.payload.value.fatherPin).toBeUndefined();
    if (moved.payload.case !== 'permanentResidenceRegistered') throw new Error('not a residence');
    expect(moved.payload.value.previous).toMatchObject({ since: '2024-03-05', address: { line: '12 Phố Huế' } });
    if (cancelled.payload.case !== 'permanentResidenceCancelled') throw new Error('not a cancellation');
    expect(cancelled.payload.value.reason).toBe(CancellationReason.MOVED_ABROAD);
  });

  it('sends a type the contract does not know as an envelope without payload', () => {
    const event = { ...recorded(lifeOf(PIN)[0]), type: 'CitizenTeleported', data: { pin: PIN, to: 'Mars' } };
    const { encoder, dropped } = encoderReporting();
    const decoded = decodeCitizenEvent(encoder.forRegistry(event));
    expect(dropped).toEqual([{ type: 'CitizenTeleported', path: '', reason: 'not in the contract' }]);
    expect(decoded.type).toBe('CitizenTeleported');
    expect(decoded.payload.case).toBeUndefined();
  });

  it('leaves out, and reports, domain fields the contract lacks or values of the wrong shape', () => {
    const { encoder, dropped } = encoderReporting();
    const base = recorded(lifeOf(PIN)[6]);
    const event = { ...base, data: { ...base.data, coroner: 'Dr X', dateOfDeath: 20250102 } };
    const decoded = decodeCitizenEvent(encoder.forRegistry(event));
    expect(decoded.payload.case).toBe('deathRegistered');
    expect(dropped).toEqual([
      { type: 'DeathRegistered', path: 'coroner', reason: 'not in the contract' },
      { type: 'DeathRegistered', path: 'dateOfDeath', reason: 'wrong shape' },
    ]);
  });

  it('gives the headers of API.md', () => {
    const event = recorded(lifeOf(PIN)[0]);
    expect(feedHeaders(event)).toEqual({
      'event-id': event.eventId,
      'event-type': 'BirthRegistered',
      'schema-version': '1',
      'content-type': 'application/x-protobuf',
    });
  });
});

describe('the bytes', () => {
  const agencies = AgencyEntitlements.fromFile(
    join(__dirname, '..', '..', '..', '..', 'config', 'entitlements.json'),
  ).all();
  const events = [...lifeOf(PIN), ...correctionsOf(PIN, '001324000042')].map((event, revision) =>
    recorded(event, revision),
  );

  it('are what protobuf-es writes for the same message (field order, proto3 presence)', () => {
    const encoder = new CitizenEventEncoder();
    let compared = 0;
    for (const event of events) {
      for (const bytes of [encoder.forRegistry(event), ...agencies.map((agency) => encoder.forAgency(agency, event))]) {
        if (!bytes) continue;
        expect(Buffer.from(encodeCitizenEvent(decodeCitizenEvent(bytes)))).toEqual(Buffer.from(bytes));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(30);
  });

  it('leave out zero values of fields without presence, keep set optional ones', () => {
    const event = recorded(lifeOf(PIN)[0], 0); // revision 0: uint64 zero, absent
    const decoded = decodeCitizenEvent(new CitizenEventEncoder().forRegistry(event));
    expect(decoded.revision).toBe(0n);
    const base = recorded(lifeOf(PIN)[0], 0);
    const withEmptyMiddleName = {
      ...base,
      data: { ...base.data, name: { familyName: 'Lê', middleName: '', givenName: 'B' } },
    };
    const again = decodeCitizenEvent(new CitizenEventEncoder().forRegistry(withEmptyMiddleName));
    if (again.payload.case !== 'birthRegistered') throw new Error('not a birth');
    expect(again.payload.value.name?.middleName).toBe('');
  });
});

describe('CitizenEventEncoder.forAgency', () => {
  const entitlements = AgencyEntitlements.parse({
    agencies: {
      vss: { events: { BirthRegistered: ['name', 'sex', 'dateOfBirth', 'motherPin', 'fatherPin'] } },
      election: { events: { PermanentResidenceRegistered: ['address.provinceCode', 'effectiveDate'] } },
    },
  });
  const vss = entitlements.get('vss')!;
  const election = entitlements.get('election')!;

  it('puts only the entitled fields in the bytes: no ethnicity, place of birth, address or actor', () => {
    const bytes = new CitizenEventEncoder().forAgency(vss, recorded(lifeOf(PIN)[0]))!;
    const text = Buffer.from(bytes).toString('utf8');
    for (const forbidden of ['Kinh', 'Bạch Mai', 'Phố Huế', 'officer-test']) expect(text).not.toContain(forbidden);
    const decoded = decodeCitizenEvent(bytes);
    expect(decoded).toMatchObject({
      pin: PIN,
      type: 'BirthRegistered',
      actorSub: '',
      correlationId: '',
      commandId: '',
    });
    if (decoded.payload.case !== 'birthRegistered') throw new Error('not a birth');
    expect(decoded.payload.value.ethnicity).toBeUndefined();
    expect(decoded.payload.value.placeOfBirth).toBeUndefined();
    expect(decoded.payload.value.name?.givenName).toBe('An');
  });

  it('selects parts of a message field', () => {
    const decoded = decodeCitizenEvent(new CitizenEventEncoder().forAgency(election, recorded(lifeOf(PIN)[1], 1))!);
    if (decoded.payload.case !== 'permanentResidenceRegistered') throw new Error('not a residence');
    expect(decoded.payload.value.address).toMatchObject({ provinceCode: '001', line: '' });
    expect(decoded.payload.value.address?.communeCode).toBeUndefined();
  });

  it('gives nothing for a type the agency is not entitled to', () => {
    expect(new CitizenEventEncoder().forAgency(vss, recorded(lifeOf(PIN)[6]))).toBeNull();
  });

  it('gives a correction only of a birth fact the agency is entitled to as a whole', () => {
    const agency = AgencyEntitlements.parse({
      agencies: { a: { events: { BirthRegistered: ['name', 'dateOfBirth'], RecordCorrected: ['*'] } } },
    }).get('a')!;
    const [, ethnicity, dateOfBirth] = correctionsOf(PIN, '001324000042').map((event, i) => recorded(event, i + 1));
    const encoder = new CitizenEventEncoder();
    expect(encoder.forAgency(agency, ethnicity)).toBeNull();
    const decoded = decodeCitizenEvent(encoder.forAgency(agency, dateOfBirth)!);
    expect(decoded.payload.value).toMatchObject({ field: 'dateOfBirth', newValueJson: '"2024-03-04"' });
  });
});
