import { randomUUID } from 'node:crypto';
import { procedureStream } from '@registry/domain';
import { EVENT_STORE, type EventStore, type EventToAppend } from '@registry/event-store';
import { ROLES, type Role } from '@registry/platform';
import { ApiHarness, type Answer } from '../../test-support/api-harness';
import { birthApplication } from '../../test-support/birth-application';
import { ACCESS_POLICY, type Scope } from './access-policy';

/**
 * Every operation of the OpenAPI document x every role x inside / outside the caller's
 * jurisdiction, called through the whole API: the answer must be what ACCESS_POLICY declares.
 * An operation without a policy entry, or without a sample request below, fails this suite.
 */
type Sample = (pin: string, where: 'inside' | 'outside') => { url: string; body?: unknown };

/** Records the samples act on: a citizen, a marriage and a procedure, all in province 001. */
const recorded = { marriageId: '', procedureId: '' };

const SAMPLES: Record<string, Sample> = {
  'GET /health': () => ({ url: '/health' }),
  'GET /health/live': () => ({ url: '/health/live' }),
  'GET /health/ready': () => ({ url: '/health/ready' }),
  'GET /metrics': () => ({ url: '/metrics' }),
  'POST /v1/births': () => ({ url: '/v1/births', body: birthApplication() }),
  'POST /v1/citizens/{pin}/permanent-residence': (pin) => ({
    url: `/v1/citizens/${pin}/permanent-residence`,
    body: { address: { provinceCode: '001', communeCode: '00004', line: '1 Phố Huế' }, effectiveDate: '2024-06-01' },
  }),
  'POST /v1/citizens/{pin}/temporary-residence': (pin) => ({
    url: `/v1/citizens/${pin}/temporary-residence`,
    body: {
      address: { provinceCode: '001', communeCode: '00007', line: '2 Phố Huế' },
      from: '2024-07-01',
      until: '2025-01-01',
    },
  }),
  'POST /v1/citizens/{pin}/permanent-residence/cancellation': (pin) => ({
    url: `/v1/citizens/${pin}/permanent-residence/cancellation`,
    body: { reason: 'other', effectiveDate: '2024-08-01' },
  }),
  'POST /v1/citizens/{pin}/death': (pin) => ({
    url: `/v1/citizens/${pin}/death`,
    // The place of death lies in the outside office's province: jurisdiction follows the residence.
    body: { dateOfDeath: '2024-09-01', placeOfDeath: { provinceCode: '079' }, certificateNumber: 'KT-1' },
  }),
  'POST /v1/citizens/{pin}/corrections': (pin) => ({
    url: `/v1/citizens/${pin}/corrections`,
    body: { field: 'ethnicity', value: 'Tày', reason: 'typo', legalBasis: 'decision 1' },
  }),
  'POST /v1/citizens/{pin}/name-changes': (pin) => ({
    url: `/v1/citizens/${pin}/name-changes`,
    body: { name: { familyName: 'Trần', givenName: 'Bình' }, effectiveDate: '2024-08-15', reason: 'adoption' },
  }),
  'POST /v1/citizens/{pin}/temporary-residence/end': (pin) => ({
    url: `/v1/citizens/${pin}/temporary-residence/end`,
    body: { effectiveDate: '2024-08-20', reason: 'left' },
  }),
  'POST /v1/citizens/{pin}/death/annulment': (pin) => ({
    url: `/v1/citizens/${pin}/death/annulment`,
    body: { reason: 'registered in error', legalBasis: 'decision 2' },
  }),
  'POST /v1/marriages': (pin) => ({
    url: '/v1/marriages',
    body: { spouses: [pin, pin], date: '2024-05-20', registrationProvinceCode: '001' },
  }),
  // Jurisdiction: either spouse's province (both live in 001).
  'POST /v1/marriages/{id}/divorce': () => ({
    url: `/v1/marriages/${recorded.marriageId}/divorce`,
    body: { date: '2025-01-01', courtDecision: 'BA-1' },
  }),
  'GET /v1/marriages/{id}': () => ({ url: '/v1/marriages/00000000-0000-5000-8000-000000000000' }),
  'GET /v1/provinces': () => ({ url: '/v1/provinces' }),
  'GET /v1/provinces/{code}/communes': () => ({ url: '/v1/provinces/001/communes?date=2024-08-01' }),
  'GET /v1/citizens/{pin}': (pin) => ({ url: `/v1/citizens/${pin}` }),
  'GET /v1/citizens': () => ({ url: '/v1/citizens?provinceCode=001' }),
  'GET /v1/citizens/{pin}/timeline': (pin) => ({ url: `/v1/citizens/${pin}/timeline` }),
  'GET /v1/provinces/{code}/residents': () => ({ url: '/v1/provinces/001/residents' }),
  'GET /v1/statistics/population': () => ({ url: '/v1/statistics/population?provinceCode=001&date=2024-01-01' }),
  'GET /v1/statistics/births-deaths': () => ({
    url: '/v1/statistics/births-deaths?provinceCode=001&from=2024-01&to=2024-03',
  }),
  'GET /v1/feeds/{agencyId}/events': (_, where) => ({
    url: `/v1/feeds/${where === 'inside' ? 'vss' : 'tax'}/events?limit=1`,
  }),
  'GET /v1/audit': (pin) => ({ url: `/v1/audit?pin=${pin}` }),
  'GET /v1/operations/projections': () => ({ url: '/v1/operations/projections' }),
  'GET /v1/operations/change-feed': () => ({ url: '/v1/operations/change-feed' }),
  'GET /v1/procedures': () => ({ url: '/v1/procedures?provinceCode=001' }),
  // A birth's procedure in 001: the office of 079 may neither see nor retry it (inside: 409, nothing to retry).
  'GET /v1/procedures/{id}': () => ({ url: `/v1/procedures/${recorded.procedureId}` }),
  'POST /v1/procedures/{id}/retry': () => ({ url: `/v1/procedures/${recorded.procedureId}/retry` }),
};

/** What API.md promises for each scope, inside and outside the caller's jurisdiction. */
function expected(scope: Scope | undefined, where: 'inside' | 'outside'): { status?: number; code?: string } {
  if (!scope) return { status: 403, code: 'FORBIDDEN' };
  if (where === 'inside' || scope === 'anywhere' || scope === 'entitled') return {};
  if (scope === 'office') return { status: 403, code: 'JURISDICTION_DENIED' };
  if (scope === 'office-or-purpose') return { status: 400, code: 'PURPOSE_REQUIRED' };
  return { status: 403, code: 'FORBIDDEN' }; // own-agency: another agency's feed
}

function tokenClaims(role: Role, where: 'inside' | 'outside') {
  const office = where === 'inside' ? '001' : '079';
  return {
    roles: [role],
    office: role === 'officer' || role === 'supervisor' ? office : undefined,
    agency: role === 'agency' ? 'vss' : undefined,
  };
}

describe('access policy, generated from the OpenAPI document', () => {
  let api: ApiHarness;
  let operations: string[];
  let pin: string;

  beforeAll(async () => {
    api = await ApiHarness.start();
    const document = (await api.call('GET', '/docs-json', { token: null })).body;
    operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const birth = await api.call('POST', '/v1/births', { body: birthApplication({}, { givenName: 'Chính' }) });
    pin = birth.body.pin;
    const read = await api.projected(pin, 0);
    expect(read.status).toBe(200);
    const adult = (sex: string, givenName: string) =>
      birthApplication({}, { sex, givenName, dateOfBirth: '1990-02-03' });
    const spouses = await Promise.all(
      [adult('male', 'Phong'), adult('female', 'Quyên')].map(async (body) => {
        return (await api.call('POST', '/v1/births', { body })).body.pin as string;
      }),
    );
    const marriage = await api.call('POST', '/v1/marriages', {
      body: { spouses, date: '2020-05-20', registrationProvinceCode: '001' },
    });
    expect(marriage.status).toBe(201);
    recorded.marriageId = marriage.body.marriageId;
    // This API runs no procedure runner: the birth's procedure is started here as the runner would.
    recorded.procedureId = randomUUID();
    const started: EventToAppend = {
      eventId: randomUUID(),
      type: 'ProcedureStarted',
      data: {
        procedureId: recorded.procedureId,
        kind: 'birth',
        pin,
        provinceCode: '001',
        startedOn: '2024-03-05',
        dueBy: '2024-03-08',
        steps: ['permanent_residence', 'health_insurance_card'],
        application: { name: {}, address: null, dateOfBirth: '2024-03-05', dateOfDeath: null, motherPin: null },
        startedBy: randomUUID(),
      },
      metadata: {},
    };
    await api.app.get<EventStore>(EVENT_STORE).append(procedureStream(recorded.procedureId), [started], 'no_stream');
  }, 90_000);
  afterAll(() => api.stop());

  it('has a policy entry and a sample request for every operation, and none for operations that do not exist', () => {
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.filter((op) => !ACCESS_POLICY[op])).toEqual([]);
    expect(operations.filter((op) => !SAMPLES[op])).toEqual([]);
    // Public routes may stay out of the document (/metrics is scraped, not called by clients).
    const stale = Object.keys(ACCESS_POLICY).filter((op) => !operations.includes(op) && !ACCESS_POLICY[op].public);
    expect(stale).toEqual([]);
  });

  // Outside first: refused calls change nothing, so the citizen is still as born for them.
  for (const where of ['outside', 'inside'] as const) {
    it(`answers every operation x role ${where} the caller's jurisdiction as the policy says`, async () => {
      const mismatches: string[] = [];
      for (const operation of operations) {
        const access = ACCESS_POLICY[operation];
        const [method] = operation.split(' ');
        for (const role of ROLES) {
          const { url, body } = SAMPLES[operation](pin, where);
          const token = access.public ? null : api.token(tokenClaims(role, where) as never);
          const headers = role === 'agency' ? { 'x-purpose': 'policy test' } : undefined;
          const answer: Answer = await api.call(method as 'GET' | 'POST', url, { token, body, headers });
          const want = access.public ? {} : expected(access.roles[role], where);
          const code = answer.body?.error?.code;
          const ok = want.status
            ? answer.status === want.status && code === want.code
            : answer.status < 500 && ![401, 403].includes(answer.status) && code !== 'PURPOSE_REQUIRED';
          if (!ok)
            mismatches.push(
              `${operation} as ${role} ${where}: ${answer.status} ${code ?? ''} (want ${want.status ?? 'allowed'} ${want.code ?? ''})`,
            );
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('refuses a birth whose permanent residence lies in another province, and an officer without an office', async () => {
    const elsewhere = birthApplication({
      permanentResidence: { provinceCode: '079', communeCode: '26734', line: '5 Lê Lợi' },
    });
    const before = await api.eventsWritten();
    expect((await api.call('POST', '/v1/births', { body: elsewhere })).body.error.code).toBe('JURISDICTION_DENIED');
    const noOffice = api.token({ roles: ['officer'] });
    expect((await api.call('POST', '/v1/births', { body: birthApplication(), token: noOffice })).body.error.code).toBe(
      'JURISDICTION_DENIED',
    );
    expect(await api.eventsWritten()).toBe(before);
  });

  it('lets an officer look up a citizen of another province with a stated purpose', async () => {
    const token = api.token({ roles: ['officer'], office: '079' });
    const answer = await api.call('GET', `/v1/citizens/${pin}`, { token, headers: { 'x-purpose': 'case 42' } });
    expect(answer.status).toBe(200);
    expect(answer.body.pin).toBe(pin);
  });

  it('narrows an officer search without a province to the office province', async () => {
    const resident = (await api.call('POST', '/v1/births', { body: birthApplication({}, { givenName: 'Khiêm' }) })).body
      .pin;
    const address = { provinceCode: '001', communeCode: '00004', line: '3 Phố Huế' };
    await api.call('POST', `/v1/citizens/${resident}/permanent-residence`, {
      body: { address, effectiveDate: '2024-06-01' },
    });
    expect((await api.projected(resident, 1)).status).toBe(200);
    const pinsFound = async (office: string) =>
      (
        await api.call('GET', '/v1/citizens?name=Khiem', { token: api.token({ roles: ['officer'], office }) })
      ).body.items.map((c: { pin: string }) => c.pin);
    expect(await pinsFound('079')).not.toContain(resident);
    expect(await pinsFound('001')).toContain(resident);
  });

  it('answers agencies with their entitled fields only, and only with a stated purpose', async () => {
    const vss = api.token({ roles: ['agency'], agency: 'vss' });
    const withoutPurpose = await api.call('GET', `/v1/citizens/${pin}`, { token: vss });
    expect([withoutPurpose.status, withoutPurpose.body.error.code]).toEqual([400, 'PURPOSE_REQUIRED']);
    const answer = await api.call('GET', `/v1/citizens/${pin}`, { token: vss, headers: { 'x-purpose': 'card' } });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(
      [
        'dateOfBirth',
        'dateOfDeath',
        'fatherPin',
        'motherPin',
        'name',
        'permanentResidence',
        'pin',
        'revision',
        'sex',
        'status',
      ].sort(),
    );
    const unknown = api.token({ roles: ['agency'], agency: 'nobody' });
    const refused = await api.call('GET', `/v1/citizens/${pin}`, { token: unknown, headers: { 'x-purpose': 'x' } });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'AGENCY_NOT_ENTITLED']);
  });
});
