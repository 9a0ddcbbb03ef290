import { apiForSuite, birthApplication, type StoreName } from '../test-support/api-harness';
import { currentRecord } from '../test-support/current-record';

/** Runs against each event store: see death-annulment(.kurrentdb).e2e.spec.ts. */
export function deathAnnulmentSuite(store: StoreName): void {
  const api = apiForSuite(store);

  const home = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
  const stay = { provinceCode: '001', communeCode: '00007', line: '3 Hàng Bài' };

  async function citizen(child: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
    const answer = await api.call('POST', '/v1/births', {
      body: birthApplication(extra, { dateOfBirth: '1980-04-01', ...child }),
    });
    expect(answer.status).toBe(201);
    return answer.body.pin as string;
  }

  const post = (pin: string, path: string, body: unknown) => api.call('POST', `/v1/citizens/${pin}/${path}`, { body });
  const die = (pin: string, dateOfDeath = '2025-02-01') =>
    post(pin, 'death', {
      dateOfDeath,
      placeOfDeath: { provinceCode: '001', detail: 'Hà Nội' },
      certificateNumber: 'KT-1',
    });

  const record = (pin: string) => currentRecord(api, pin);

  async function refusedWithoutEffect(
    call: () => Promise<{ status: number; body: any }>,
    status: number,
    code: string,
  ) {
    const before = await api.eventsWritten();
    const answer = await call();
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code, message: expect.any(String) });
    expect(await api.eventsWritten()).toBe(before);
  }

  it('a death ends the temporary residence, in the record and in the as-of answers', async () => {
    const pin = await citizen();
    expect(
      (await post(pin, 'temporary-residence', { address: stay, from: '2024-08-01', until: '2026-01-01' })).status,
    ).toBe(200);
    expect((await die(pin)).status).toBe(200);
    expect(await api.streamTypes(pin)).toEqual([
      'BirthRegistered',
      'TemporaryResidenceRegistered',
      'DeathRegistered',
      'TemporaryResidenceEnded',
    ]);
    expect((await record(pin)).temporaryResidence).toBeNull();
    const asOf = await api.call('GET', `/v1/citizens/${pin}?validAt=2025-03-01`);
    expect(asOf.status).toBe(200);
    expect(asOf.body.temporaryResidence).toBeNull();
    const before = await api.call('GET', `/v1/citizens/${pin}?validAt=2025-01-01`);
    expect(before.body.temporaryResidence).toMatchObject({ from: '2024-08-01' });
  });

  it('refuses a cancellation for reason "deceased" before the death with CANCELLATION_BEFORE_DEATH', async () => {
    const pin = await citizen();
    await post(pin, 'permanent-residence', { address: home, effectiveDate: '2010-01-01' });
    await die(pin);
    await refusedWithoutEffect(
      () => post(pin, 'permanent-residence/cancellation', { reason: 'deceased', effectiveDate: '2025-01-31' }),
      422,
      'CANCELLATION_BEFORE_DEATH',
    );
  });

  describe('POST /v1/citizens/{pin}/death/annulment', () => {
    const annul = (pin: string) => post(pin, 'death/annulment', { reason: 'registered in error', legalBasis: 'QĐ 45' });

    it('brings the citizen back with the residence the death cancelled', async () => {
      const pin = await citizen();
      await post(pin, 'permanent-residence', { address: home, effectiveDate: '2010-01-01' });
      await die(pin);
      await post(pin, 'permanent-residence/cancellation', { reason: 'deceased', effectiveDate: '2025-02-01' });
      expect(await record(pin)).toMatchObject({ status: 'deceased', permanentResidence: null });

      const answer = await annul(pin);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ revision: 4 });
      expect(answer.headers.etag).toBe('"4"');
      expect(await record(pin)).toMatchObject({
        status: 'alive',
        dateOfDeath: null,
        permanentResidence: { address: home, since: '2010-01-01' },
      });
      // Alive again: life events are accepted.
      expect(
        (await post(pin, 'temporary-residence', { address: stay, from: '2025-03-01', until: '2025-09-01' })).status,
      ).toBe(200);
      const population = await api.call('GET', '/v1/statistics/population?provinceCode=001&date=2025-06-01', {
        token: api.token({ roles: ['historian'] }),
      });
      expect(population.status).toBe(200);
    });

    it('answers 422 CITIZEN_NOT_DECEASED when there is no death, 404 for an unknown PIN, 400 without a reason', async () => {
      const pin = await citizen();
      await refusedWithoutEffect(() => annul(pin), 422, 'CITIZEN_NOT_DECEASED');
      await refusedWithoutEffect(() => annul('001080999999'), 404, 'CITIZEN_NOT_FOUND');
      await refusedWithoutEffect(() => post(pin, 'death/annulment', { legalBasis: 'QĐ 45' }), 400, 'VALIDATION_FAILED');
    });

    it('answers 403 JURISDICTION_DENIED to an office of another province', async () => {
      const pin = await citizen();
      await post(pin, 'permanent-residence', { address: home, effectiveDate: '2010-01-01' });
      await die(pin);
      const token = api.token({ roles: ['officer'], office: '079' });
      const answer = await api.call('POST', `/v1/citizens/${pin}/death/annulment`, {
        body: { reason: 'x', legalBasis: 'y' },
        token,
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('JURISDICTION_DENIED');
    });
  });

  describe('corrections of the death', () => {
    it('corrects the date and the place of death', async () => {
      const pin = await citizen();
      await die(pin);
      const date = await post(pin, 'corrections', {
        field: 'dateOfDeath',
        value: '2025-01-20',
        reason: 'wrong day on the certificate',
        legalBasis: 'QĐ 7',
      });
      expect(date.status).toBe(200);
      const place = await post(pin, 'corrections', {
        field: 'placeOfDeath',
        value: { provinceCode: '079', detail: 'TP HCM' },
        reason: 'wrong province',
        legalBasis: 'QĐ 8',
      });
      expect(place.status).toBe(200);
      expect(await record(pin)).toMatchObject({ dateOfDeath: '2025-01-20' });
    });

    it.each([
      ['a living citizen', false, '2025-01-20', 'CITIZEN_NOT_DECEASED'],
      ['a date before the birth', true, '1970-01-01', 'DEATH_BEFORE_BIRTH'],
    ])('refuses a date of death correction for %s', async (_, deceased, value, code) => {
      const pin = await citizen();
      if (deceased) await die(pin);
      await refusedWithoutEffect(
        () => post(pin, 'corrections', { field: 'dateOfDeath', value, reason: 'r', legalBasis: 'l' }),
        422,
        code,
      );
    });

    it('re-checks the parents: a child corrected to be born before its mother is refused', async () => {
      const mother = await citizen({ sex: 'female', dateOfBirth: '1970-01-01' });
      const child = await citizen({ dateOfBirth: '1995-01-01' }, { motherPin: mother });
      await refusedWithoutEffect(
        () => post(child, 'corrections', { field: 'dateOfBirth', value: '1969-06-01', reason: 'r', legalBasis: 'l' }),
        422,
        'PARENT_BORN_AFTER_CHILD',
      );
      await refusedWithoutEffect(
        () => post(mother, 'corrections', { field: 'dateOfBirth', value: '1996-01-01', reason: 'r', legalBasis: 'l' }),
        422,
        'CORRECTION_CONFLICTS_WITH_CHILD',
      );
    });
  });
}
