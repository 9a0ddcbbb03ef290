import { ApiHarness, birthApplication } from '../test-support/api-harness';
import { mutatedBody, seededRandom, type Json } from './test-support/json-fuzz';

/**
 * Bodies per endpoint: 500 in `npm test` (3,500 in all, about a minute); FUZZ_CASES raises it for
 * a longer run, FUZZ_SEED replays or varies one.
 */
const CASES = Number(process.env.FUZZ_CASES ?? 500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

const address = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
const WRITES: { name: string; path: (pin: string) => string; body: Json }[] = [
  {
    name: 'POST /v1/births',
    path: () => '/v1/births',
    body: { ...birthApplication({ permanentResidence: address }), motherPin: '001190012345' },
  },
  {
    name: 'POST /v1/citizens/{pin}/permanent-residence',
    path: (pin) => `/v1/citizens/${pin}/permanent-residence`,
    body: { address: { provinceCode: '001', line: '5 Hàng Gai' }, effectiveDate: '2020-06-01' },
  },
  {
    name: 'POST /v1/citizens/{pin}/temporary-residence',
    path: (pin) => `/v1/citizens/${pin}/temporary-residence`,
    body: { address, from: '2024-06-01', until: '2025-06-01' },
  },
  {
    name: 'POST /v1/citizens/{pin}/permanent-residence/cancellation',
    path: (pin) => `/v1/citizens/${pin}/permanent-residence/cancellation`,
    body: { reason: 'moved_abroad', effectiveDate: '2024-07-01', note: 'Emigrated' },
  },
  {
    name: 'POST /v1/citizens/{pin}/death',
    path: (pin) => `/v1/citizens/${pin}/death`,
    body: {
      dateOfDeath: '2024-05-01',
      placeOfDeath: { provinceCode: '001', detail: 'Hà Nội' },
      certificateNumber: 'KT-1',
    },
  },
  {
    name: 'POST /v1/citizens/{pin}/corrections',
    path: (pin) => `/v1/citizens/${pin}/corrections`,
    body: {
      field: 'name',
      value: { familyName: 'Lê', middleName: 'Thị', givenName: 'Hoa' },
      reason: 'Clerical error',
      legalBasis: 'Decision no. 1/QĐ',
    },
  },
  {
    name: 'POST /v1/citizens/{pin}/name-changes',
    path: (pin) => `/v1/citizens/${pin}/name-changes`,
    body: { name: { familyName: 'Lê', givenName: 'Hoa' }, effectiveDate: '2020-01-10', reason: 'Decision' },
  },
];

const ERROR_SHAPE = {
  error: { code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/), message: expect.any(String), details: expect.any(Array) },
};

/**
 * Issue 10: thousands of seeded, mutated bodies for every write endpoint (deleted fields, wrong
 * types, null, arrays, huge strings, control characters, lone surrogates, deep nesting,
 * prototype keys, broken JSON). None is answered 5xx, every error has the API.md shape, and no
 * refused request leaves an event in the store (each carries its own correlation id; the store
 * is searched for them).
 */
describe(`write fuzz (${CASES} bodies per endpoint, seed ${SEED})`, () => {
  let api: ApiHarness;
  let citizens: string[];
  beforeAll(async () => {
    api = await ApiHarness.start();
    citizens = [];
    for (let i = 0; i < 8; i++) {
      const born = await api.call('POST', '/v1/births', {
        body: birthApplication({ permanentResidence: address }, { dateOfBirth: '1990-01-01' }),
      });
      citizens.push(born.body.pin);
    }
  }, 60_000);
  afterAll(() => api.stop());

  it.each(WRITES.map((write, i) => [write.name, write, i] as const))(
    '%s: no 5xx, every error in the API.md shape, nothing recorded by a refused body',
    async (_, write, index) => {
      const random = seededRandom(SEED + index);
      const statuses: Record<number, number> = {};
      const refused: string[] = [];
      const misshapen: unknown[] = [];
      for (let n = 0; n < CASES; n++) {
        const correlation = `fuzz-${SEED}-${index}-${n}`;
        const headers: Record<string, string> = { 'x-correlation-id': correlation };
        if (random() < 0.25) headers['idempotency-key'] = correlation;
        const answer = await api.call('POST', write.path(citizens[n % citizens.length]), {
          rawBody: mutatedBody(write.body, random),
          headers,
        });
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (answer.status >= 400) {
          refused.push(correlation);
          if (!matchesShape(answer.body)) misshapen.push({ status: answer.status, body: answer.body });
        }
      }
      console.log(`${write.name}: ${JSON.stringify(statuses)}`);
      expect(Object.keys(statuses).filter((status) => Number(status) >= 500)).toEqual([]);
      expect(misshapen.slice(0, 5)).toEqual([]);
      const { rows } = await api.pool.query<{ id: string }>(
        "SELECT DISTINCT metadata->>'correlationId' AS id FROM es_events WHERE metadata->>'correlationId' = ANY($1)",
        [refused],
      );
      expect(rows.map((r) => r.id)).toEqual([]);
      expect(refused.length).toBeGreaterThan(CASES / 2); // the mutations do break most bodies
    },
    300_000,
  );
});

function matchesShape(body: unknown): boolean {
  try {
    expect(body).toEqual(ERROR_SHAPE);
    return true;
  } catch {
    return false;
  }
}
