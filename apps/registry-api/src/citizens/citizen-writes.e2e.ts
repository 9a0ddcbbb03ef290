import { ApiHarness, birthApplication, type StoreName } from '../test-support/api-harness';

/** Runs against each event store: see citizen-writes.e2e.spec.ts and citizen-writes.kurrentdb.e2e.spec.ts. */
export function citizenWritesSuite(store: StoreName): void {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start(store);
  });
  afterAll(() => api.stop());

  async function newCitizen(child: Record<string, unknown> = {}): Promise<string> {
    const answer = await api.call('POST', '/v1/births', {
      body: birthApplication({}, { dateOfBirth: '1990-04-01', ...child }),
    });
    expect(answer.status).toBe(201);
    return answer.body.pin;
  }

  const home = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
  const elsewhere = { provinceCode: '001', communeCode: '00007', line: '3 Hàng Bài' };

  describe('permanent residence', () => {
    it('registers one (200, revision, ETag) and a new one ends the previous', async () => {
      const pin = await newCitizen();
      const first = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2010-01-01' },
      });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ revision: 1 });
      expect(first.headers.etag).toBe('"1"');
      const second = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: elsewhere, effectiveDate: '2020-06-01' },
      });
      expect(second.body).toEqual({ revision: 2 });
      const citizen = await api.call('GET', `/v1/citizens/${pin}?minRevision=2`);
      expect(citizen.body.permanentResidence).toEqual({ address: elsewhere, since: '2020-06-01' });
      const timeline = await api.call('GET', `/v1/citizens/${pin}/timeline`);
      expect(timeline.body.events[2].data.previous).toEqual({ address: home, since: '2010-01-01' });
    });

    it('cancels it with a reason', async () => {
      const pin = await newCitizen();
      await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2010-01-01' },
      });
      const answer = await api.call('POST', `/v1/citizens/${pin}/permanent-residence/cancellation`, {
        body: { reason: 'moved_abroad', effectiveDate: '2024-07-01', note: 'emigrated' },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.revision).toBe(2);
      expect((await api.call('GET', `/v1/citizens/${pin}?minRevision=2`)).body.permanentResidence).toBeNull();
    });
  });

  describe('temporary residence', () => {
    it('registers a period and replaces an earlier one', async () => {
      const pin = await newCitizen();
      await api.call('POST', `/v1/citizens/${pin}/temporary-residence`, {
        body: { address: home, from: '2024-01-01', until: '2024-12-31' },
      });
      const answer = await api.call('POST', `/v1/citizens/${pin}/temporary-residence`, {
        body: { address: elsewhere, from: '2024-06-01', until: '2025-06-01' },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.revision).toBe(3);
      expect(await api.streamTypes(pin)).toEqual([
        'BirthRegistered',
        'TemporaryResidenceRegistered',
        'TemporaryResidenceEnded',
        'TemporaryResidenceRegistered',
      ]);
      expect((await api.call('GET', `/v1/citizens/${pin}?minRevision=3`)).body.temporaryResidence).toEqual({
        address: elsewhere,
        from: '2024-06-01',
        until: '2025-06-01',
      });
    });
  });

  describe('death', () => {
    it('registers a death; afterwards only the residence cancellation of the deceased is accepted', async () => {
      const pin = await newCitizen();
      await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2010-01-01' },
      });
      const death = await api.call('POST', `/v1/citizens/${pin}/death`, {
        body: {
          dateOfDeath: '2024-05-01',
          placeOfDeath: { provinceCode: '001', detail: 'Hà Nội' },
          certificateNumber: 'KT-2024-000123',
        },
      });
      expect(death.status).toBe(200);
      const citizen = await api.call('GET', `/v1/citizens/${pin}?minRevision=${death.body.revision}`);
      expect(citizen.body).toMatchObject({ status: 'deceased', dateOfDeath: '2024-05-01' });

      const before = await api.eventsWritten();
      const move = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: elsewhere, effectiveDate: '2024-06-01' },
      });
      expect(move.status).toBe(422);
      expect(move.body.error.code).toBe('CITIZEN_DECEASED');
      expect(await api.eventsWritten()).toBe(before);

      const cancel = await api.call('POST', `/v1/citizens/${pin}/permanent-residence/cancellation`, {
        body: { reason: 'deceased', effectiveDate: '2024-05-01' },
      });
      expect(cancel.status).toBe(200);
    });

    it('refuses a death before the birth with DEATH_BEFORE_BIRTH and records nothing', async () => {
      const pin = await newCitizen();
      const before = await api.eventsWritten();
      const answer = await api.call('POST', `/v1/citizens/${pin}/death`, {
        body: { dateOfDeath: '1980-01-01', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'KT-1' },
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatchObject({ code: 'DEATH_BEFORE_BIRTH', message: expect.any(String) });
      expect(await api.eventsWritten()).toBe(before);
    });
  });

  describe('If-Match and idempotency on existing citizens', () => {
    it('accepts the current revision and refuses a stale one with 412 REVISION_MISMATCH', async () => {
      const pin = await newCitizen();
      const ok = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2010-01-01' },
        headers: { 'if-match': '"0"' },
      });
      expect(ok.status).toBe(200);
      const before = await api.eventsWritten();
      const stale = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: elsewhere, effectiveDate: '2020-01-01' },
        headers: { 'if-match': '"0"' },
      });
      expect(stale.status).toBe(412);
      expect(stale.body.error.code).toBe('REVISION_MISMATCH');
      expect(await api.eventsWritten()).toBe(before);
    });

    it('a retried residence registration returns the first answer and records one event', async () => {
      const pin = await newCitizen();
      const headers = { 'idempotency-key': `move-${pin}` };
      const body = { address: home, effectiveDate: '2010-01-01' };
      const first = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, { body, headers });
      const retry = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, { body, headers });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect(await api.streamTypes(pin)).toEqual(['BirthRegistered', 'PermanentResidenceRegistered']);
    });

    it('concurrent writes without If-Match are both recorded, in order', async () => {
      const pin = await newCitizen();
      const answers = await Promise.all([
        api.call('POST', `/v1/citizens/${pin}/temporary-residence`, {
          body: { address: home, from: '2024-01-01', until: '2024-03-01' },
        }),
        api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
          body: { address: elsewhere, effectiveDate: '2015-01-01' },
        }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect((await api.streamTypes(pin)).length).toBe(3);
    });
  });

  describe('timeline', () => {
    it('lists every event with both time axes, actor and correlation, in stream order', async () => {
      const pin = await newCitizen();
      await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2010-01-01' },
      });
      const answer = await api.call('GET', `/v1/citizens/${pin}/timeline`, {
        token: api.token({ roles: ['historian'] }),
      });
      expect(answer.status).toBe(200);
      expect(answer.body.pin).toBe(pin);
      expect(answer.body.events).toEqual([
        expect.objectContaining({
          type: 'BirthRegistered',
          revision: 0,
          effectiveAt: '1990-04-01',
          actor: { sub: api.sub, office: '001' },
        }),
        expect.objectContaining({ type: 'PermanentResidenceRegistered', revision: 1, effectiveAt: '2010-01-01' }),
      ]);
      expect(new Date(answer.body.events[1].recordedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(answer.body.events[0].recordedAt).getTime(),
      );
    });
  });
}
