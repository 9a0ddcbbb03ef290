import { ApiHarness } from '../test-support/api-harness';

// Reference data only: the event store plays no part, so one store is enough.
describe('GET /v1/provinces and /v1/provinces/{code}/communes', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start('postgresql');
  });
  afterAll(() => api.stop());

  it('lists the 63 provinces with validity and successors, to any role', async () => {
    const answer = await api.call('GET', '/v1/provinces', { token: api.token({ roles: ['agency'], agency: 'vss' }) });
    expect(answer.status).toBe(200);
    expect(answer.body.items).toHaveLength(63);
    expect(answer.body.items).toContainEqual({
      code: '002',
      name: 'Hà Giang',
      validFrom: null,
      validTo: '2025-06-30',
      successorCode: '008',
    });
  });

  it('answers the communes valid on the date: validity decides what a reused code means', async () => {
    const before = await api.call('GET', '/v1/provinces/001/communes?date=2025-06-30');
    const after = await api.call('GET', '/v1/provinces/001/communes?date=2025-07-01');
    expect(before.status).toBe(200);
    expect(before.body.items).toContainEqual(expect.objectContaining({ code: '00004', name: 'Phường Trúc Bạch' }));
    expect(after.body.items).toContainEqual(expect.objectContaining({ code: '00004', name: 'Phường Ba Đình' }));
    expect(after.body.items.length).toBeLessThan(before.body.items.length);
  });

  it('answers no communes for a merged province after the reform', async () => {
    const answer = await api.call('GET', '/v1/provinces/002/communes?date=2025-08-01');
    expect(answer.body).toEqual({ provinceCode: '002', date: '2025-08-01', items: [] });
  });

  it.each([
    ['/v1/provinces/01/communes', 400, 'VALIDATION_FAILED'],
    ['/v1/provinces/001/communes?date=2025-02-30', 400, 'VALIDATION_FAILED'],
    ['/v1/provinces/999/communes', 404, 'PROVINCE_NOT_FOUND'],
  ])('%s -> %s %s', async (url, status, code) => {
    const answer = await api.call('GET', url);
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
  });

  it('answers 401 without a token', async () => {
    expect((await api.call('GET', '/v1/provinces', { token: null })).status).toBe(401);
  });
});
