import { importCitizen, type LegacyCitizen } from '@registry/domain';
import { birth } from '@registry/read-models/test-support/citizen-events';
import { QueryHarness } from './test-support/query-harness';

let api: QueryHarness;
let importedAt: Date;

const IMPORT_DAY = '2026-11-30';
const mother: LegacyCitizen = {
  pin: '079165000101',
  name: { familyName: 'Trần', middleName: 'Thị', givenName: 'Mai' },
  sex: 'female',
  dateOfBirth: '1965-02-14',
  placeOfBirth: { provinceCode: '079', detail: null },
  nationality: 'VN',
  ethnicity: 'Kinh',
  motherPin: null,
  fatherPin: null,
  permanentResidence: { address: { provinceCode: '079', communeCode: '26734', line: '5 Lê Lợi' }, since: '1990-06-01' },
  dateOfDeath: '2024-01-02',
};
const son: LegacyCitizen = {
  ...mother,
  pin: '079090000102',
  name: { familyName: 'Đặng', middleName: 'Văn', givenName: 'Đức' },
  sex: 'male',
  dateOfBirth: '1990-09-09',
  motherPin: mother.pin,
  permanentResidence: { address: { provinceCode: '079', communeCode: '26734', line: '7 Lê Lợi' }, since: '2010-01-01' },
  dateOfDeath: null,
};

beforeAll(async () => {
  api = await QueryHarness.start('imported');
  await api.record(son.pin, importCitizen(son, IMPORT_DAY)); // the child before the mother, as in a file
  await api.record(mother.pin, importCitizen(mother, IMPORT_DAY));
  importedAt = new Date();
});
afterAll(() => api.stop());

describe('citizens imported from the legacy register', () => {
  it('are looked up like any citizen, deceased ones included', async () => {
    const found = await api.get(`/v1/citizens/${son.pin}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      pin: son.pin,
      name: son.name,
      status: 'alive',
      motherPin: mother.pin,
      permanentResidence: { address: { provinceCode: '079', line: '7 Lê Lợi' }, since: '2010-01-01' },
      revision: 0,
    });
    expect((await api.get(`/v1/citizens/${mother.pin}`)).body).toMatchObject({
      status: 'deceased',
      dateOfDeath: '2024-01-02',
    });
  });

  it('answer as of a date with each fact from its own date', async () => {
    const asOf = (date: string) => api.get(`/v1/citizens/${mother.pin}?validAt=${date}`);
    expect((await asOf('1980-01-01')).body).toMatchObject({ status: 'alive', permanentResidence: null });
    expect((await asOf('2000-01-01')).body).toMatchObject({
      status: 'alive',
      permanentResidence: { since: '1990-06-01' },
    });
    expect((await asOf('2024-06-01')).body).toMatchObject({ status: 'deceased' });
    const before = new Date(importedAt.getTime() - 60_000).toISOString();
    expect((await api.get(`/v1/citizens/${mother.pin}?validAt=2000-01-01&knownAt=${before}`)).status).toBe(404);
  });

  it('are found by name without diacritics', async () => {
    const search = await api.get('/v1/citizens?name=dang%20van%20duc');
    expect(search.body.items.map((c: { pin: string }) => c.pin)).toEqual([son.pin]);
  });

  it('count as residents and in the population from their residence start, until death', async () => {
    const residents = await api.get('/v1/provinces/079/residents?date=2020-01-01');
    expect(residents.body.items.map((c: { pin: string }) => c.pin).sort()).toEqual([son.pin, mother.pin].sort());
    const population = (date: string) =>
      api.get(`/v1/statistics/population?provinceCode=079&date=${date}`, ['historian']);
    expect((await population('2000-01-01')).body.population).toBe(1);
    expect((await population('2020-01-01')).body.population).toBe(2);
    expect((await population('2025-01-01')).body.population).toBe(1);
  });

  it('count as births in their month and province; a later birth names an imported mother', async () => {
    const births = await api.get('/v1/statistics/births-deaths?provinceCode=079&from=1990-09&to=1990-09', [
      'historian',
    ]);
    expect(births.status).toBe(200);
    expect(JSON.stringify(births.body)).toContain('"births":1');
    const child = '079224000103';
    await api.record(child, birth(child, { motherPin: son.pin, dateOfBirth: '2024-03-05' }));
    expect((await api.get(`/v1/citizens/${child}`)).body.motherPin).toBe(son.pin);
  });
});
