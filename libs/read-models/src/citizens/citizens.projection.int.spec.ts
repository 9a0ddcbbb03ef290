import { useScratchDatabase } from '../test-support/scratch-database';
import { projectPending } from '../test-support/project-pending';
import {
  address,
  birth,
  cancellation,
  correction,
  death,
  lastAppended,
  pinSequence,
  nameChange,
  permanentResidence,
  place,
  record,
  temporaryResidence,
  temporaryResidenceEnded,
} from '../test-support/citizen-events';

const db = useScratchDatabase('citizens');
const newPin = pinSequence();

async function citizen(pin: string) {
  await projectPending(db().pool, db().store, { until: lastAppended });
  const { rows } = await db().pool.query('SELECT revision, replaced_by, record FROM citizen_records WHERE pin = $1', [
    pin,
  ]);
  return rows[0];
}

async function nameRow(pin: string) {
  const { rows } = await db().pool.query(
    'SELECT full_name, search_name, date_of_birth::text, residence_province_code FROM citizen_names WHERE pin = $1',
    [pin],
  );
  return rows[0];
}

const hanoi = address('001', '12 Phố Huế', '00004');
const saigon = address('079', '5 Lê Lợi', '26734');

describe('citizens projection: the record of GET /v1/citizens/{pin}', () => {
  it('BirthRegistered: the whole API.md shape at revision 0, and a name row', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin, { motherPin: '001190000001' }));
    const row = await citizen(pin);
    expect(row.revision).toBe(0);
    expect(row.replaced_by).toBeNull();
    expect(row.record).toEqual({
      pin,
      name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
      sex: 'male',
      dateOfBirth: '2024-03-05',
      placeOfBirth: { provinceCode: '001', detail: 'Bệnh viện Bạch Mai' },
      nationality: 'VN',
      ethnicity: 'Kinh',
      status: 'alive',
      dateOfDeath: null,
      motherPin: '001190000001',
      fatherPin: null,
      permanentResidence: null,
      temporaryResidence: null,
      maritalStatus: 'single',
      spousePin: null,
      revision: 0,
    });
    expect(await nameRow(pin)).toEqual({
      full_name: 'Nguyễn Văn An',
      search_name: 'nguyen van an',
      date_of_birth: '2024-03-05',
      residence_province_code: null,
    });
  });

  it('PermanentResidenceRegistered: the residence and its start, the province for search', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin), permanentResidence(pin, hanoi, '2024-03-05'));
    await record(db().store, pin, permanentResidence(pin, saigon, '2024-06-01'));
    const row = await citizen(pin);
    expect(row.revision).toBe(2);
    expect(row.record.permanentResidence).toEqual({ address: saigon, since: '2024-06-01' });
    expect((await nameRow(pin)).residence_province_code).toBe('079');
  });

  it('TemporaryResidenceRegistered and TemporaryResidenceEnded', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin), temporaryResidence(pin, saigon, '2024-06-01', '2025-06-01'));
    expect((await citizen(pin)).record.temporaryResidence).toEqual({
      address: saigon,
      from: '2024-06-01',
      until: '2025-06-01',
    });
    await record(db().store, pin, temporaryResidenceEnded(pin, saigon, '2024-09-01'));
    const row = await citizen(pin);
    expect(row.record.temporaryResidence).toBeNull();
    expect(row.revision).toBe(2);
  });

  it('PermanentResidenceCancelled: no permanent residence, no province for search', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin), permanentResidence(pin, hanoi, '2024-03-05'));
    await record(db().store, pin, cancellation(pin, hanoi, '2024-08-01'));
    expect((await citizen(pin)).record.permanentResidence).toBeNull();
    expect((await nameRow(pin)).residence_province_code).toBeNull();
  });

  it('DeathRegistered: deceased with the date of death', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin), death(pin, '2024-05-01'));
    expect((await citizen(pin)).record).toMatchObject({ status: 'deceased', dateOfDeath: '2024-05-01', revision: 1 });
  });

  it('NameChanged: the new name, found by search under it', async () => {
    const pin = newPin();
    const name = { familyName: 'Trần', middleName: 'Thị', givenName: 'Đào' };
    await record(db().store, pin, birth(pin));
    await record(
      db().store,
      pin,
      nameChange(pin, { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' }, name, '2024-09-01'),
    );
    expect((await citizen(pin)).record.name).toEqual(name);
    expect(await nameRow(pin)).toMatchObject({ full_name: 'Trần Thị Đào', search_name: 'tran thi dao' });
  });

  it('RecordCorrected: the corrected field as if it had been so all along', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin));
    await record(
      db().store,
      pin,
      correction(
        pin,
        'placeOfBirth',
        place('001', 'Bệnh viện Bạch Mai'),
        place('001', 'Bệnh viện Việt Đức'),
        '2024-03-05',
      ),
    );
    await record(db().store, pin, correction(pin, 'dateOfBirth', '2024-03-05', '2024-03-04', '2024-03-04'));
    const row = await citizen(pin);
    expect(row.record).toMatchObject({
      placeOfBirth: { provinceCode: '001', detail: 'Bệnh viện Việt Đức' },
      dateOfBirth: '2024-03-04',
      revision: 2,
    });
    expect((await nameRow(pin)).date_of_birth).toBe('2024-03-04');
  });

  it('PinReestablished and CitizenContinued: the old PIN points on, the new one carries the record', async () => {
    const oldPin = newPin();
    const newPinValue = newPin('001324');
    await record(db().store, oldPin, birth(oldPin), permanentResidence(oldPin, hanoi, '2024-03-05'));
    const before = await citizen(oldPin);
    const snapshot = { ...before.record, sex: 'female' };
    delete snapshot.pin;
    delete snapshot.revision;
    await record(db().store, newPinValue, {
      type: 'CitizenContinued',
      data: { pin: newPinValue, previousPin: oldPin, record: snapshot, effectiveDate: '2024-03-05' },
    });
    await record(db().store, oldPin, correction(oldPin, 'sex', 'male', 'female', '2024-03-05'), {
      type: 'PinReestablished',
      data: { pin: oldPin, newPin: newPinValue, correctedField: 'sex', effectiveDate: '2024-03-05' },
    });
    const old = await citizen(oldPin);
    expect(old.replaced_by).toBe(newPinValue);
    expect(old.revision).toBe(3);
    expect(await nameRow(oldPin)).toBeUndefined();
    const continued = await citizen(newPinValue);
    expect(continued.record).toMatchObject({
      pin: newPinValue,
      sex: 'female',
      permanentResidence: { address: hanoi, since: '2024-03-05' },
      revision: 0,
    });
    expect((await nameRow(newPinValue)).full_name).toBe('Nguyễn Văn An');
  });

  it('an event type this build does not know moves the revision and nothing else', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin));
    const before = await citizen(pin);
    // A type a later version may add (this build knows marriages since the civil-status work).
    await record(db().store, pin, {
      type: 'AdoptionRegistered',
      data: { pin, adoptiveMotherPin: '001190000002', date: '2024-10-10' },
    } as never);
    const after = await citizen(pin);
    expect(after.revision).toBe(1);
    expect(after.record).toEqual({ ...before.record, revision: 1 });
  });

  it('streams other than citizens are not citizens', async () => {
    await db().store.append(
      'procedure-read-model-test',
      [{ eventId: crypto.randomUUID(), type: 'BirthProcedureStarted', data: { pin: '001224999999' }, metadata: {} }],
      'any',
    );
    await projectPending(db().pool, db().store);
    const { rowCount } = await db().pool.query(
      "SELECT 1 FROM citizen_records WHERE pin LIKE 'read-model%' OR pin = '001224999999'",
    );
    expect(rowCount).toBe(0);
  });
});
