import {
  address,
  birth,
  correction,
  death,
  permanentResidence,
  pinSequence,
  record,
} from '@registry/read-models/test-support/citizen-events';
import { QueryHarness } from './test-support/query-harness';

let api: QueryHarness;
const newPin = pinSequence();

beforeAll(async () => {
  api = await QueryHarness.start('lookup');
});
afterAll(() => api.stop());

const hanoi = address('001', '12 Phố Huế', '00004');

describe('GET /v1/citizens/{pin} from the read model', () => {
  it('answers the API.md record with its revision as ETag', async () => {
    const pin = newPin();
    await api.record(pin, birth(pin), permanentResidence(pin, hanoi, '2024-03-05'));
    const answer = await api.get(`/v1/citizens/${pin}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers.etag).toBe('"1"');
    expect(answer.body).toEqual({
      pin,
      name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
      sex: 'male',
      dateOfBirth: '2024-03-05',
      placeOfBirth: { provinceCode: '001', detail: 'Bệnh viện Bạch Mai' },
      nationality: 'VN',
      ethnicity: 'Kinh',
      status: 'alive',
      dateOfDeath: null,
      motherPin: null,
      fatherPin: null,
      permanentResidence: { address: hanoi, since: '2024-03-05' },
      temporaryResidence: null,
      maritalStatus: 'single',
      spousePin: null,
      revision: 1,
    });
  });

  it('404 CITIZEN_NOT_FOUND for a PIN nobody holds, 400 for a PIN that is not 12 digits', async () => {
    const missing = await api.get('/v1/citizens/001224999998');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('CITIZEN_NOT_FOUND');
    const malformed = await api.get('/v1/citizens/12345');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('401 without a token, 403 for a role that may not read records', async () => {
    expect((await api.get('/v1/citizens/001224000001', null)).status).toBe(401);
    const operator = await api.get('/v1/citizens/001224000001', ['operator']);
    expect(operator.status).toBe(403);
    expect(operator.body.error.code).toBe('FORBIDDEN');
  });

  it('400 VALIDATION_FAILED for a bad minRevision or an unknown parameter', async () => {
    for (const query of ['minRevision=-1', 'minRevision=abc', 'colour=blue']) {
      const answer = await api.get(`/v1/citizens/001224000001?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('minRevision: read-your-writes, waiting for the projector', async () => {
    const pin = newPin();
    await api.record(pin, birth(pin));
    const written = await record(api.db.store, pin, death(pin, '2024-05-01')); // not waited for
    const answer = await api.get(`/v1/citizens/${pin}?minRevision=${written.nextRevision}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'deceased', revision: 1 });
  });

  // That the lookup waits for the projector is the test above (a revision written unawaited is
  // found); here only the answer when it never comes, without a wall-clock threshold.
  it('minRevision not reached within the wait: 503 with Retry-After', async () => {
    const pin = newPin();
    await api.record(pin, birth(pin));
    const answer = await api.get(`/v1/citizens/${pin}?minRevision=5`);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.body.error).toMatchObject({
      code: 'READ_MODEL_BEHIND',
      details: [{ pin, minRevision: 5, revision: 0 }],
    });
  });

  it('a PIN a correction re-established answers 301 to the new PIN', async () => {
    const oldPin = newPin();
    const newPinValue = newPin('001324');
    await api.record(oldPin, birth(oldPin));
    const snapshot = { ...(await api.get(`/v1/citizens/${oldPin}`)).body, sex: 'female' };
    delete snapshot.pin;
    delete snapshot.revision;
    await api.record(newPinValue, {
      type: 'CitizenContinued',
      data: { pin: newPinValue, previousPin: oldPin, record: snapshot, effectiveDate: '2024-03-05' },
    });
    await api.record(oldPin, correction(oldPin, 'sex', 'male', 'female', '2024-03-05'), {
      type: 'PinReestablished',
      data: { pin: oldPin, newPin: newPinValue, correctedField: 'sex', effectiveDate: '2024-03-05' },
    });
    const moved = await api.get(`/v1/citizens/${oldPin}`);
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(`/v1/citizens/${newPinValue}`);
    expect((await api.get(`/v1/citizens/${newPinValue}`)).body).toMatchObject({
      pin: newPinValue,
      sex: 'female',
      revision: 0,
    });
  });

  it('validAt/knownAt: the record as it stood, folded from the streams', async () => {
    const pin = newPin();
    await api.record(pin, birth(pin), permanentResidence(pin, hanoi, '2024-06-01'));
    const before = await api.get(`/v1/citizens/${pin}?validAt=2024-05-31`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ pin, permanentResidence: null, revision: 0, validAt: '2024-05-31' });
  });
});
