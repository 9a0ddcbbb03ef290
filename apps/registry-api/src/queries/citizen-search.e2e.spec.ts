import {
  address,
  birth,
  permanentResidence,
  pinSequence,
  place,
} from '@registry/read-models/test-support/citizen-events';
import { SearchConnections } from '@registry/read-models';
import { QueryHarness } from './test-support/query-harness';

let api: QueryHarness;
const newPin = pinSequence();

/** Citizens of this suite, by the name they were registered with. */
const pins: Record<string, string> = {};

async function citizen(
  familyName: string,
  middleName: string | null,
  givenName: string,
  dateOfBirth = '2024-03-05',
  provinceCode = '001',
) {
  const pin = newPin();
  const name = { familyName, middleName, givenName };
  await api.record(
    pin,
    birth(pin, { name, dateOfBirth }),
    permanentResidence(pin, address(provinceCode, '1 Lê Lợi'), dateOfBirth),
  );
  pins[[familyName, middleName, givenName].filter(Boolean).join(' ')] = pin;
  return pin;
}

beforeAll(async () => {
  // One search connection, so the plan statistics read below are those of every search.
  process.env.SEARCH_POOL_SIZE = '1';
  api = await QueryHarness.start('search');
  await citizen('Nguyễn', 'Văn', 'Đức');
  await citizen('NGUYỄN', 'VĂN', 'ĐỨC', '1990-01-02');
  await citizen('Nguyễn', 'Văn', 'Dũng');
  await citizen('Đỗ', 'Đức', 'Anh', '1985-07-07', '074');
  await citizen('Trần', 'Thị', 'Đào', '1985-07-07', '079');
  await citizen('Lê', null, 'Dục', '2001-01-01', '092');
});
afterAll(() => api.stop());

const names = (body: {
  items: Array<{ name: { familyName: string; middleName: string | null; givenName: string } }>;
}) => body.items.map((c) => [c.name.familyName, c.name.middleName, c.name.givenName].filter(Boolean).join(' '));

describe('GET /v1/citizens: search by name without diacritics or case', () => {
  it('finds "Nguyễn Văn Đức" from "nguyen van duc" (Đ is a letter of its own, not an accent)', async () => {
    const answer = await api.get('/v1/citizens?name=nguyen%20van%20duc');
    expect(answer.status).toBe(200);
    expect(names(answer.body)).toEqual(['Nguyễn Văn Đức', 'NGUYỄN VĂN ĐỨC']);
    expect(answer.body.items[0]).toMatchObject({ pin: pins['Nguyễn Văn Đức'], revision: 1, status: 'alive' });
    // The names that start with it are all there; the cursor leads to names containing it elsewhere.
    const elsewhere = await api.get(`/v1/citizens?name=nguyen%20van%20duc&cursor=${answer.body.nextCursor}`);
    expect(elsewhere.body).toEqual({ items: [], nextCursor: null });
  });

  it('matches any part of the name, written any way, in name order', async () => {
    // "ĐỨC" is "duc" to search, so Dục matches as well: diacritics never count.
    expect(names((await api.get('/v1/citizens?name=%C4%90%E1%BB%A8C')).body)).toEqual([
      'Đỗ Đức Anh',
      'Lê Dục',
      'Nguyễn Văn Đức',
      'NGUYỄN VĂN ĐỨC',
    ]);
    expect(names((await api.get('/v1/citizens?name=  Thi   DAO ')).body)).toEqual(['Trần Thị Đào']);
    expect(names((await api.get('/v1/citizens?name=le%20duc')).body)).toEqual(['Lê Dục']);
    expect((await api.get('/v1/citizens?name=nguyen%25')).body.items).toEqual([]); // % is a letter here, not a wildcard
  });

  it('narrows by date of birth and by province of residence (a surviving province with its merged units)', async () => {
    expect(names((await api.get('/v1/citizens?name=duc&dateOfBirth=1990-01-02')).body)).toEqual(['NGUYỄN VĂN ĐỨC']);
    expect(names((await api.get('/v1/citizens?dateOfBirth=1985-07-07&provinceCode=079')).body)).toEqual([
      'Đỗ Đức Anh',
      'Trần Thị Đào',
    ]);
    expect(names((await api.get('/v1/citizens?dateOfBirth=1985-07-07&provinceCode=074')).body)).toEqual(['Đỗ Đức Anh']);
  });

  it('pages with an opaque cursor: names that start with the text, then the ones containing it', async () => {
    const first = await api.get('/v1/citizens?name=nguyen&limit=2');
    expect(first.body.items.map((c: { pin: string }) => c.pin)).toEqual([
      pins['Nguyễn Văn Đức'],
      pins['NGUYỄN VĂN ĐỨC'],
    ]);
    const second = await api.get(`/v1/citizens?name=nguyen&limit=2&cursor=${first.body.nextCursor}`);
    expect(names(second.body)).toEqual(['Nguyễn Văn Dũng']);
    const third = await api.get(`/v1/citizens?name=nguyen&limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toEqual({ items: [], nextCursor: null });
    const byPin = await api.get('/v1/citizens?dateOfBirth=1985-07-07&limit=1');
    const next = await api.get(`/v1/citizens?dateOfBirth=1985-07-07&limit=1&cursor=${byPin.body.nextCursor}`);
    expect([...names(byPin.body), ...names(next.body)]).toEqual(['Đỗ Đức Anh', 'Trần Thị Đào']);
    expect(next.body.nextCursor).toBeNull();
  });

  it('400 VALIDATION_FAILED for no criterion, a name too short, a bad limit, date, province or cursor', async () => {
    const queries = [
      '',
      '?name=an',
      '?name=nguyen&limit=101',
      '?name=nguyen&limit=0',
      '?dateOfBirth=2024-02-30',
      '?provinceCode=79',
      '?name=nguyen&cursor=bm9wZQ',
      '?surname=x',
    ];
    for (const query of queries) {
      const answer = await api.get(`/v1/citizens${query}`);
      expect([query, answer.status, answer.body.error.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
  });

  it('422 for a province the registry does not know', async () => {
    const answer = await api.get('/v1/citizens?provinceCode=999');
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('UNKNOWN_ADMINISTRATIVE_UNIT');
  });

  it('finds names that start with the text in the name index, names containing it in the trigram index', async () => {
    const plan = async (where: string) => {
      const client = await api.db.pool.connect();
      try {
        await client.query('BEGIN; SET LOCAL enable_seqscan = off');
        const { rows } = await client.query(
          `EXPLAIN SELECT pin FROM citizen_names WHERE ${where} ORDER BY search_name, pin LIMIT 21`,
        );
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
    };
    expect(
      await plan(
        "search_name >= search_fold('Nguyễn Văn') AND search_name < search_fold('Nguyễn Văn') || chr(1114111)",
      ),
    ).toContain('citizen_names_name');
    expect(await plan("search_name LIKE '%' || search_fold('Văn Đức') || '%'")).toContain('citizen_names_search');
  });
});

describe('prepared searches are planned once (ADR 0075)', () => {
  it('runs name and province searches with their generic plan, never planning them again', async () => {
    const searches = ['nguyen van', 'tran thi dao', 'do duc anh', 'le duc', 'nguyen van dung', 'zzz nobody'];
    for (const name of searches) {
      expect((await api.get(`/v1/citizens?name=${encodeURIComponent(name)}`)).status).toBe(200);
      expect((await api.get(`/v1/citizens?name=${encodeURIComponent(name)}&provinceCode=001`)).status).toBe(200);
    }
    const plans = await api.app
      .get(SearchConnections)
      .query<{ name: string; generic_plans: string; custom_plans: string }>(
        'search_plans_probe',
        `SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE $1 ORDER BY name`,
        ['read_model_search_%'],
      );
    // Every prepared search of this suite, including those of the tests above.
    expect(plans.length).toBeGreaterThan(2);
    for (const plan of plans) expect({ [plan.name]: Number(plan.custom_plans) }).toEqual({ [plan.name]: 0 });
    const runs = (name: string) => Number(plans.find((plan) => plan.name === name)?.generic_plans ?? 0);
    expect(runs('read_model_search_starts')).toBeGreaterThanOrEqual(searches.length);
    expect(runs('read_model_search_living_in_starts')).toBeGreaterThanOrEqual(searches.length);
  });
});

describe('first pages asked together are read in one statement (ADR 0116)', () => {
  const asked = [
    'nguyen',
    'nguyen&limit=1',
    'nguyen&limit=2',
    'NGUYỄN%20văn%20đức',
    'nguyen van dung',
    'tran',
    'do duc',
    'zzz nobody',
    'le duc&limit=1',
  ].map((query) => `/v1/citizens?name=${query}`);

  it('answers each search as it answers it alone, pages and cursors the same', async () => {
    const alone = [];
    for (const url of asked) alone.push(await api.get(url));
    const runs = await mergedRuns();
    // All at once: the first goes alone, those arriving while it runs go together (SEARCH_POOL_SIZE=1).
    const together = await Promise.all(asked.map((url) => api.get(url)));
    expect(together.map((answer) => [answer.status, answer.body])).toEqual(
      alone.map((answer) => [answer.status, answer.body]),
    );
    expect(alone.every((answer) => answer.status === 200)).toBe(true);
    expect(names(alone[0].body)).toEqual(['Nguyễn Văn Đức', 'NGUYỄN VĂN ĐỨC', 'Nguyễn Văn Dũng']);
    expect(await mergedRuns()).toBeGreaterThan(runs);
  });

  /** Executions of the merged statement, with no custom plan ever (ADR 0075). */
  async function mergedRuns(): Promise<number> {
    const [plan] = await api.app
      .get(SearchConnections)
      .query<{ generic_plans: string; custom_plans: string }>(
        'merged_plans_probe',
        `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = $1`,
        ['read_model_search_first_pages'],
      );
    expect(Number(plan?.custom_plans ?? 0)).toBe(0);
    return Number(plan?.generic_plans ?? 0);
  }
});

describe('place of birth is not the residence', () => {
  it('searches by where people live now', async () => {
    const pin = newPin();
    await api.record(
      pin,
      birth(pin, { name: { familyName: 'Phan', middleName: null, givenName: 'Khoa' }, placeOfBirth: place('092') }),
    );
    expect((await api.get('/v1/citizens?name=phan%20khoa&provinceCode=092')).body.items).toEqual([]);
  });
});
