import { ApiHarness, birthApplication, type StoreName } from '../test-support/api-harness';

/** Runs against each event store: see births.e2e.spec.ts and births.kurrentdb.e2e.spec.ts. */
export function birthsSuite(store: StoreName): void {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start(store);
  });
  afterAll(() => api.stop());

  describe('POST /v1/births', () => {
    it('registers a birth: 201, Location, ETag, a well-formed PIN and one event', async () => {
      const answer = await api.call('POST', '/v1/births', { body: birthApplication() });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({ pin: expect.stringMatching(/^001224\d{6}$/), revision: 0 });
      expect(answer.headers.location).toBe(`/v1/citizens/${answer.body.pin}`);
      expect(answer.headers.etag).toBe('"0"');
      expect(await api.streamTypes(answer.body.pin)).toEqual(['BirthRegistered']);
    });

    it('records the actor, command and correlation in the event metadata', async () => {
      const answer = await api.call('POST', '/v1/births', {
        body: birthApplication(),
        headers: { 'x-correlation-id': 'case-42' },
      });
      const [event] = await api.streamEvents(answer.body.pin);
      expect(event.metadata).toMatchObject({
        actor: { sub: api.sub, office: '001', roles: ['officer'] },
        correlationId: 'case-42',
        effectiveAt: '2024-03-05',
        schemaVersion: 1,
      });
      expect(event.metadata.commandId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('registers the permanent residence given in the application, from the date of birth', async () => {
      const body = birthApplication({
        permanentResidence: { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' },
      });
      const answer = await api.call('POST', '/v1/births', { body });
      expect(answer.status).toBe(201);
      expect(await api.streamTypes(answer.body.pin)).toEqual(['BirthRegistered', 'PermanentResidenceRegistered']);
      // The body keeps the birth's own revision; the ETag is the stream's, so If-Match with it succeeds.
      expect(answer.body.revision).toBe(0);
      expect(answer.headers.etag).toBe('"1"');
      const citizen = await api.call('GET', `/v1/citizens/${answer.body.pin}?minRevision=1`);
      expect(citizen.body.permanentResidence).toEqual({
        address: { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' },
        since: '2024-03-05',
      });
      const death = await api.call('POST', `/v1/citizens/${answer.body.pin}/death`, {
        body: { dateOfDeath: '2024-05-01', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'KT-9' },
        headers: { 'if-match': answer.headers.etag as string },
      });
      expect(death.status).toBe(200);
    });

    it('gives the sex and century digit of the PIN: female born 1999, male born 2000', async () => {
      const female = await api.call('POST', '/v1/births', {
        body: birthApplication({}, { sex: 'female', dateOfBirth: '1999-12-31' }),
      });
      const male = await api.call('POST', '/v1/births', { body: birthApplication({}, { dateOfBirth: '2000-01-01' }) });
      expect(female.body.pin).toMatch(/^001199\d{6}$/);
      expect(male.body.pin).toMatch(/^001200\d{6}$/);
    });

    it('gives 200 concurrent births in one province, same sex and year, 200 distinct PINs', async () => {
      const answers = await Promise.all(
        Array.from({ length: 200 }, () =>
          api.call('POST', '/v1/births', { body: birthApplication({}, { dateOfBirth: '2023-07-01' }) }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(200).fill(201));
      const pins = answers.map((a) => a.body.pin as string);
      expect(new Set(pins).size).toBe(200);
      for (const pin of pins) expect(pin).toMatch(/^001223\d{6}$/);
    });

    it('links parents that exist', async () => {
      const mother = await api.call('POST', '/v1/births', {
        body: birthApplication({}, { sex: 'female', dateOfBirth: '1990-01-01' }),
      });
      const child = await api.call('POST', '/v1/births', { body: birthApplication({ motherPin: mother.body.pin }) });
      expect(child.status).toBe(201);
      const record = await api.call('GET', `/v1/citizens/${child.body.pin}?minRevision=0`);
      expect(record.body.motherPin).toBe(mother.body.pin);
    });
  });

  describe('Idempotency-Key on POST /v1/births', () => {
    it('a retry returns the first answer and the registry holds one person', async () => {
      const headers = { 'idempotency-key': `birth-${Date.now()}` };
      const before = await api.eventsWritten();
      const first = await api.call('POST', '/v1/births', { body: birthApplication(), headers });
      const retry = await api.call('POST', '/v1/births', { body: birthApplication(), headers });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.etag).toBe(first.headers.etag);
      expect(retry.headers.location).toBe(first.headers.location);
      expect(await api.eventsWritten()).toBe(before + 1);
    });

    it('concurrent retries with one key create one person', async () => {
      const headers = { 'idempotency-key': `burst-${Date.now()}` };
      const before = await api.eventsWritten();
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => api.call('POST', '/v1/births', { body: birthApplication(), headers })),
      );
      expect(new Set(answers.map((a) => a.body.pin)).size).toBe(1);
      expect(answers.every((a) => a.status === 201)).toBe(true);
      expect(await api.eventsWritten()).toBe(before + 1);
    });

    it('the same key with another body is 409 IDEMPOTENCY_KEY_REUSED and records nothing', async () => {
      const headers = { 'idempotency-key': `reuse-${Date.now()}` };
      await api.call('POST', '/v1/births', { body: birthApplication(), headers });
      const before = await api.eventsWritten();
      const other = await api.call('POST', '/v1/births', {
        body: birthApplication({}, { givenName: 'Bình' }),
        headers,
      });
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await api.eventsWritten()).toBe(before);
    });

    it('the same key in another key order of the same JSON is the same request', async () => {
      const headers = { 'idempotency-key': `order-${Date.now()}` };
      const body = birthApplication();
      const first = await api.call('POST', '/v1/births', { body, headers });
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      const retry = await api.call('POST', '/v1/births', { body: reordered, headers });
      expect(retry.body).toEqual(first.body);
    });
  });
}
