import { address, birth, death, permanentResidence, place } from '@registry/read-models/test-support/citizen-events';
import { nextRecordedMillisecond } from '@registry/testing';
import { QueryHarness } from './test-support/query-harness';

let api: QueryHarness;
let serial = 0;
const newPin = () => `074224${String(++serial).padStart(6, '0')}`;
const binhDuong = address('074', '1 Đại lộ Bình Dương');
const saigon = address('079', '5 Lê Lợi');

/** Three residents registered under 074 (Bình Dương, merged into 079 on 2025-07-01), one under 079. */
const residents: string[] = [];
let inSaigon: string;
let registeredAt: Date;

beforeAll(async () => {
  api = await QueryHarness.start('residents');
  for (let i = 0; i < 3; i++) {
    const pin = newPin();
    await api.record(
      pin,
      birth(pin, { placeOfBirth: place('074'), dateOfBirth: '2024-01-10' }),
      permanentResidence(pin, binhDuong, '2024-01-10'),
    );
    residents.push(pin);
  }
  inSaigon = newPin();
  await api.record(
    inSaigon,
    birth(inSaigon, { placeOfBirth: place('079'), dateOfBirth: '2024-02-10' }),
    permanentResidence(inSaigon, saigon, '2024-02-10'),
  );
  registeredAt = await nextRecordedMillisecond(api.db.pool); // the death below is recorded after it
  await api.record(residents[2], death(residents[2], '2024-12-31', '074'));
});
afterAll(() => api.stop());

describe('GET /v1/provinces/{code}/residents', () => {
  it('lists the permanent residents on a date in PIN order, page by page', async () => {
    const first = await api.get('/v1/provinces/074/residents?date=2024-06-01&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      {
        pin: residents[0],
        name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
        dateOfBirth: '2024-01-10',
        permanentResidence: { address: binhDuong, since: '2024-01-10' },
      },
      expect.objectContaining({ pin: residents[1] }),
    ]);
    const second = await api.get(`/v1/provinces/074/residents?date=2024-06-01&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((r: { pin: string }) => r.pin)).toEqual([residents[2]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('after the merger the surviving province lists the merged units too; the dead are no residents', async () => {
    const answer = await api.get('/v1/provinces/079/residents?date=2025-08-01');
    expect(answer.body.items.map((r: { pin: string }) => r.pin)).toEqual([residents[0], residents[1], inSaigon]);
  });

  it('422 for a merged province after its merger, 400 for a bad code, limit or date', async () => {
    const merged = await api.get('/v1/provinces/074/residents?date=2025-08-01');
    expect(merged.status).toBe(422);
    expect(merged.body.error.code).toBe('UNKNOWN_ADMINISTRATIVE_UNIT');
    for (const url of [
      '/v1/provinces/74/residents',
      '/v1/provinces/079/residents?limit=500',
      '/v1/provinces/079/residents?date=yesterday',
    ]) {
      expect((await api.get(url)).status).toBe(400);
    }
  });
});

describe('GET /v1/statistics/population', () => {
  const population = async (query: string) => (await api.get(`/v1/statistics/population?${query}`, ['historian'])).body;

  it('counts the living with a permanent residence there on the date', async () => {
    expect(await population('provinceCode=074&date=2024-06-01')).toEqual({
      provinceCode: '074',
      date: '2024-06-01',
      population: 3,
    });
    expect((await population('provinceCode=074&date=2025-01-01')).population).toBe(2);
    expect((await population('provinceCode=079&date=2024-06-01')).population).toBe(1);
  });

  it('a surviving province includes its merged units after the merger', async () => {
    expect((await population('provinceCode=079&date=2025-06-30')).population).toBe(1);
    expect((await population('provinceCode=079&date=2025-07-01')).population).toBe(3);
  });

  it('as known at an instant: before the death was recorded, the person still counted', async () => {
    expect(
      (await population(`provinceCode=074&date=2025-01-01&knownAt=${registeredAt.toISOString()}`)).population,
    ).toBe(3);
  });

  it('is for historians and supervisors', async () => {
    expect((await api.get('/v1/statistics/population?provinceCode=079', ['officer'])).status).toBe(403);
    expect((await api.get('/v1/statistics/population?provinceCode=079', ['supervisor'])).status).toBe(200);
    expect((await api.get('/v1/statistics/population', ['historian'])).status).toBe(400);
  });
});

describe('GET /v1/statistics/births-deaths', () => {
  it('births and deaths per month where they happened', async () => {
    const answer = await api.get('/v1/statistics/births-deaths?provinceCode=074&from=2024-01&to=2024-12', [
      'historian',
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body.months[0]).toEqual({ month: '2024-01', births: 3, deaths: 0 });
    expect(answer.body.months[11]).toEqual({ month: '2024-12', births: 0, deaths: 1 });
    expect(answer.body.months).toHaveLength(12);
  });

  it('400 for months written otherwise or backwards', async () => {
    for (const query of ['from=2024-13&to=2024-12', 'from=2024-05&to=2024-04', 'from=2024&to=2024-04']) {
      expect((await api.get(`/v1/statistics/births-deaths?provinceCode=074&${query}`, ['historian'])).status).toBe(400);
    }
  });
});

describe('GET /v1/operations/projections', () => {
  it('shows each projection caught up, for operators only', async () => {
    // Every event of the log counts: this suite's and any a background sweep checkpointed (ADR 0140).
    const events = async () => Number((await api.db.pool.query('SELECT count(*) FROM es_events')).rows[0].count);
    const before = await events();
    const answer = await api.get('/v1/operations/projections', ['operator']);
    const after = await events();
    expect(answer.status).toBe(200);
    expect(answer.body.lag).toEqual({ events: 0, seconds: 0 });
    expect(answer.body.projections.map((p: { name: string }) => p.name)).toEqual([
      'citizens',
      'residences',
      'vital-statistics',
      'procedures',
    ]);
    expect(answer.body.projections[0]).toMatchObject({ lag: { events: 0, seconds: 0 }, rebuild: null });
    expect(before).toBeGreaterThanOrEqual(9); // the suite's own
    expect(answer.body.projections[0].processed).toBeGreaterThanOrEqual(before);
    expect(answer.body.projections[0].processed).toBeLessThanOrEqual(after);
    expect((await api.get('/v1/operations/projections', ['officer'])).status).toBe(403);
  });
});
