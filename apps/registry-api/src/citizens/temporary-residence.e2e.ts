import { apiForSuite, birthApplication, type StoreName } from '../test-support/api-harness';
import { currentRecord } from '../test-support/current-record';

/** The Law on Residence 2020 at the API: see temporary-residence(.kurrentdb).e2e.spec.ts. */
export function temporaryResidenceSuite(store: StoreName): void {
  const api = apiForSuite(store);

  // Hà Nội wards in force before the 2025 reform.
  const home = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
  const stay = { provinceCode: '001', communeCode: '00007', line: '3 Hàng Bài' };

  async function citizenAtHome(): Promise<string> {
    const pin = (await api.call('POST', '/v1/births', { body: birthApplication({}, { dateOfBirth: '1985-04-01' }) }))
      .body.pin;
    const residence = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
      body: { address: home, effectiveDate: '2010-01-01' },
    });
    expect(residence.status).toBe(200);
    return pin;
  }

  const register = (pin: string, address: object, from: string, until: string) =>
    api.call('POST', `/v1/citizens/${pin}/temporary-residence`, { body: { address, from, until } });
  const end = (pin: string, body: object) => api.call('POST', `/v1/citizens/${pin}/temporary-residence/end`, { body });

  it.each([
    ['longer than two years', stay, '2023-01-01', '2025-01-02', 'TEMPORARY_RESIDENCE_PERIOD_INVALID'],
    [
      'in the commune of the permanent residence',
      home,
      '2024-08-01',
      '2025-01-01',
      'TEMPORARY_RESIDENCE_IN_PERMANENT_COMMUNE',
    ],
    [
      'in a commune of another province',
      { ...stay, communeCode: '26734' },
      '2024-08-01',
      '2025-01-01',
      'UNKNOWN_ADMINISTRATIVE_UNIT',
    ],
    [
      'in a commune that no longer existed',
      { ...stay, communeCode: '00001' },
      '2025-08-01',
      '2026-01-01',
      'UNKNOWN_ADMINISTRATIVE_UNIT',
    ],
  ])('refuses a stay %s (422 %s) and records nothing', async (_, address, from, until, code) => {
    const pin = await citizenAtHome();
    const before = await api.eventsWritten();
    const answer = await register(pin, address, from, until);
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code, message: expect.any(String) });
    expect(await api.eventsWritten()).toBe(before);
  });

  it('accepts a stay of two years elsewhere, and ends it early', async () => {
    const pin = await citizenAtHome();
    expect((await register(pin, stay, '2023-01-01', '2025-01-01')).status).toBe(200);
    const ended = await end(pin, { effectiveDate: '2024-09-01', reason: 'moved back home' });
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ revision: 3 });
    expect((await currentRecord(api, pin)).temporaryResidence).toBeNull();
    const during = await api.call('GET', `/v1/citizens/${pin}?validAt=2024-06-01`);
    expect(during.body.temporaryResidence).toMatchObject({ from: '2023-01-01' });
  });

  it('answers 422 NO_TEMPORARY_RESIDENCE when there is none, and 400 for a malformed end', async () => {
    const pin = await citizenAtHome();
    const before = await api.eventsWritten();
    const none = await end(pin, { effectiveDate: '2024-09-01', reason: 'left' });
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe('NO_TEMPORARY_RESIDENCE');
    const malformed = await end(pin, { effectiveDate: '2024-13-01', reason: 'left' });
    expect(malformed.status).toBe(400);
    expect(await api.eventsWritten()).toBe(before);
  });

  it('refuses a new stay that would end the current one before it began', async () => {
    const pin = await citizenAtHome();
    await register(pin, stay, '2024-09-01', '2025-06-01');
    const answer = await register(pin, { ...stay, communeCode: '00008' }, '2024-08-01', '2025-01-01');
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('RESIDENCE_DATE_BEFORE_CURRENT');
  });
}
