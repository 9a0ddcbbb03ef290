import { ApiHarness, birthApplication, type StoreName } from '../test-support/api-harness';

/** Runs against each event store: see historians.e2e.spec.ts and historians.kurrentdb.e2e.spec.ts. */
export function historiansSuite(store: StoreName): void {
  /** Scenarios of issue 6: corrections are history too, and every answer names its two time axes. */
  let api: ApiHarness;
  let historian: string;
  beforeAll(async () => {
    api = await ApiHarness.start(store);
    historian = api.token({ roles: ['historian'] });
  });
  afterAll(() => api.stop());

  const home = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
  const later = { provinceCode: '001', communeCode: '00007', line: '3 Hàng Bài' };
  /** When the registry recorded the citizen's last event (both stores keep milliseconds, ADR 0027). */
  async function lastRecordedAt(pin: string): Promise<string> {
    const answer = await api.call('GET', `/v1/citizens/${pin}/timeline`, { token: historian });
    expect(answer.status).toBe(200);
    return answer.body.events.at(-1).recordedAt;
  }

  /** Until this machine's clock, which both stores stamp, has passed an instant: the next write is recorded after it. */
  async function clockPassed(instant: string): Promise<void> {
    while (Date.now() <= Date.parse(instant)) await new Promise((resolve) => setImmediate(resolve));
  }

  async function born(child: Record<string, unknown> = {}): Promise<string> {
    const answer = await api.call('POST', '/v1/births', {
      body: birthApplication({}, { dateOfBirth: '1990-04-01', ...child }),
    });
    expect(answer.status).toBe(201);
    return answer.body.pin;
  }

  function asOf(pin: string, validAt?: string, knownAt?: string) {
    const query = new URLSearchParams({ ...(validAt ? { validAt } : {}), ...(knownAt ? { knownAt } : {}) });
    return api.call('GET', `/v1/citizens/${pin}?${query}`, { token: historian });
  }

  describe('a date of birth corrected later', () => {
    it('is the old value as known before the correction and the new one after', async () => {
      const pin = await born({ dateOfBirth: '1990-04-01' });
      const beforeCorrection = await lastRecordedAt(pin);
      await clockPassed(beforeCorrection);
      const correction = await api.call('POST', `/v1/citizens/${pin}/corrections`, {
        body: { field: 'dateOfBirth', value: '1990-04-11', reason: 'Clerical error', legalBasis: 'Decision 12/QĐ' },
      });
      expect(correction.status).toBe(200);
      expect(correction.body).toEqual({ revision: 1, pin });

      expect((await asOf(pin, '2020-01-01', beforeCorrection)).body.dateOfBirth).toBe('1990-04-01');
      expect((await asOf(pin, '2020-01-01')).body.dateOfBirth).toBe('1990-04-11');
      // The correction holds from the start: even a valid date before it was recorded sees it now.
      expect((await asOf(pin, '1995-01-01')).body.dateOfBirth).toBe('1990-04-11');
      // Between the recorded and the corrected birth date, the person did not exist yet.
      expect((await asOf(pin, '1990-04-05')).status).toBe(404);
      expect((await asOf(pin, '1990-04-05', beforeCorrection)).status).toBe(200);
    });
  });

  describe('valid time of residences and names', () => {
    it('validAt before a move gives the earlier residence; before a name change, the earlier name', async () => {
      const pin = await born();
      await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2000-01-01' },
      });
      await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: later, effectiveDate: '2015-06-01' },
      });
      const renamed = await api.call('POST', `/v1/citizens/${pin}/name-changes`, {
        body: {
          name: { familyName: 'Trần', givenName: 'Bình' },
          effectiveDate: '2018-03-01',
          reason: 'Decision on change of name',
        },
      });
      expect(renamed.status).toBe(200);

      const in2010 = await asOf(pin, '2010-01-01');
      expect(in2010.body.permanentResidence).toEqual({ address: home, since: '2000-01-01' });
      expect(in2010.body.name.givenName).toBe('An');
      expect(in2010.body).toMatchObject({ validAt: '2010-01-01', revision: 1 });
      const in2020 = await asOf(pin, '2020-01-01');
      expect(in2020.body.permanentResidence).toEqual({ address: later, since: '2015-06-01' });
      expect(in2020.body.name).toEqual({ familyName: 'Trần', middleName: null, givenName: 'Bình' });
      expect((await asOf(pin, '1995-01-01')).body.permanentResidence).toBeNull();
    });

    it('a name correction, unlike a change, rewrites the name for every date', async () => {
      const pin = await born();
      await api.call('POST', `/v1/citizens/${pin}/corrections`, {
        body: {
          field: 'name',
          value: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'Ân' },
          reason: 'Typo',
          legalBasis: 'Decision 7',
        },
      });
      expect((await asOf(pin, '1991-01-01')).body.name.givenName).toBe('Ân');
    });
  });

  describe('a sex correction re-establishes the PIN', () => {
    it('opens a new PIN linked both ways; the old PIN answers 301 and refuses writes with PIN_REPLACED', async () => {
      const oldPin = await born({ sex: 'male', dateOfBirth: '1990-04-01' });
      await api.call('POST', `/v1/citizens/${oldPin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2000-01-01' },
      });
      const correction = await api.call('POST', `/v1/citizens/${oldPin}/corrections`, {
        body: {
          field: 'sex',
          value: 'female',
          reason: 'Recorded wrongly at birth',
          legalBasis: 'Court decision 5/2025',
        },
      });
      expect(correction.status).toBe(200);
      const newPin = correction.body.pin;
      expect(newPin).toMatch(/^001190\d{6}$/);
      expect(newPin).not.toBe(oldPin);
      expect(correction.headers.location).toBe(`/v1/citizens/${newPin}`);

      const moved = await api.call('GET', `/v1/citizens/${oldPin}?minRevision=3`);
      expect(moved.status).toBe(301);
      expect(moved.headers.location).toBe(`/v1/citizens/${newPin}`);
      const current = await api.call('GET', `/v1/citizens/${newPin}?minRevision=0`);
      expect(current.body).toMatchObject({
        pin: newPin,
        sex: 'female',
        permanentResidence: { address: home, since: '2000-01-01' },
      });

      const refused = await api.call('POST', `/v1/citizens/${oldPin}/permanent-residence`, {
        body: { address: later, effectiveDate: '2020-01-01' },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('PIN_REPLACED');
      expect(refused.body.error.details[0]).toMatchObject({ newPin });

      const expected = [
        'BirthRegistered',
        'PermanentResidenceRegistered',
        'RecordCorrected',
        'PinReestablished',
        'CitizenContinued',
      ];
      for (const pin of [oldPin, newPin]) {
        const timeline = await api.call('GET', `/v1/citizens/${pin}/timeline`, { token: historian });
        expect(timeline.body.currentPin).toBe(newPin);
        expect(timeline.body.events.map((e: { type: string }) => e.type)).toEqual(expected);
        expect(timeline.body.events.map((e: { pin: string }) => e.pin)).toEqual([
          oldPin,
          oldPin,
          oldPin,
          oldPin,
          newPin,
        ]);
      }
    });

    it('a retried correction lands on the same new PIN', async () => {
      const oldPin = await born({ sex: 'female', dateOfBirth: '1985-02-02' });
      const body = { field: 'dateOfBirth', value: '1986-02-02', reason: 'Wrong year', legalBasis: 'Decision 9' };
      const headers = { 'idempotency-key': `correct-${oldPin}` };
      const first = await api.call('POST', `/v1/citizens/${oldPin}/corrections`, { body, headers });
      const retry = await api.call('POST', `/v1/citizens/${oldPin}/corrections`, { body, headers });
      expect(first.body.pin).toMatch(/^001186\d{6}$/);
      expect(retry.body).toEqual(first.body);
      expect(await api.streamTypes(first.body.pin)).toEqual(['CitizenContinued']);
    });
  });

  describe('corrections: rules and shapes', () => {
    it('is accepted after death, when nothing else is', async () => {
      const pin = await born();
      await api.call('POST', `/v1/citizens/${pin}/death`, {
        body: { dateOfDeath: '2020-01-01', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'KT-9' },
      });
      const answer = await api.call('POST', `/v1/citizens/${pin}/corrections`, {
        body: { field: 'ethnicity', value: 'Tày', reason: 'r', legalBasis: 'l' },
      });
      expect(answer.status).toBe(200);
    });

    it.each([
      [{ field: 'dateOfBirth', value: '1990-02-30' }, 'value'],
      [{ field: 'sex', value: 'unknown' }, 'value'],
      [{ field: 'name', value: { familyName: 'Lê' } }, 'value.givenName'],
      [{ field: 'height', value: 180 }, 'field'],
    ])('refuses a value of the wrong shape %p with 400', async (correction, field) => {
      const pin = await born();
      const before = await api.eventsWritten();
      const answer = await api.call('POST', `/v1/citizens/${pin}/corrections`, {
        body: { ...correction, reason: 'r', legalBasis: 'l' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await api.eventsWritten()).toBe(before);
    });

    it('refuses a correction that changes nothing with 422 CORRECTION_CHANGES_NOTHING', async () => {
      const pin = await born();
      const answer = await api.call('POST', `/v1/citizens/${pin}/corrections`, {
        body: { field: 'ethnicity', value: 'Kinh', reason: 'r', legalBasis: 'l' },
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('CORRECTION_CHANGES_NOTHING');
    });
  });

  describe('timeline export', () => {
    it('exports CSV with a header row and JSON lines', async () => {
      const pin = await born();
      await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2000-01-01' },
      });
      const csv = await api.call('GET', `/v1/citizens/${pin}/timeline`, {
        token: historian,
        headers: { accept: 'text/csv' },
      });
      expect(csv.headers['content-type']).toContain('text/csv');
      const lines = String(csv.body).trim().split('\r\n');
      expect(lines[0]).toBe('pin,revision,eventId,type,effectiveAt,recordedAt,actorSub,actorOffice,correlationId,data');
      expect(lines).toHaveLength(3);
      expect(lines[2]).toContain('PermanentResidenceRegistered');
      const ndjson = await api.call('GET', `/v1/citizens/${pin}/timeline`, {
        token: historian,
        headers: { accept: 'application/x-ndjson' },
      });
      const objects = String(ndjson.body)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(objects.map((o) => o.type)).toEqual(['BirthRegistered', 'PermanentResidenceRegistered']);
    });
  });
}
