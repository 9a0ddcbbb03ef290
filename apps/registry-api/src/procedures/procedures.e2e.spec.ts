import { Kafka, logLevel } from 'kafkajs';
import { procedureStream } from '@registry/domain';
import { EVENT_STORE, type EventStore } from '@registry/event-store';
import { testBrokers } from '@registry/testing/kafka-server';
import { ReferenceAgency } from '@registry/procedures/reference-agency/reference-agency';
import { ApiHarness, birthApplication } from '../test-support/api-harness';

/**
 * The linked procedures end to end: the API and its procedure runner on a database of their own,
 * the real broker, and the reference agency answering over the real kafkajs. Assertions are on
 * the procedures' and citizens' streams.
 */
let api: ApiHarness;
let agency: ReferenceAgency;
let store: EventStore;

beforeAll(async () => {
  const { brokers } = await testBrokers();
  api = await ApiHarness.start('postgresql', {
    ownDatabase: true,
    env: { KAFKA_BROKERS: brokers.join(','), CHANGE_FEED_RELAY: 'off', PROCEDURES: 'on' },
  });
  store = api.app.get(EVENT_STORE);
  agency = new ReferenceAgency(new Kafka({ clientId: 'procedures-e2e', brokers, logLevel: logLevel.NOTHING }), 'vss');
  await agency.start();
}, 120_000);

afterAll(async () => {
  await agency?.stop();
  await api?.stop();
});

const home = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
const today = new Date().toISOString().slice(0, 10);

async function registerChild(dateOfBirth = today): Promise<{ pin: string; procedureId: string }> {
  const answer = await api.call('POST', '/v1/births', {
    body: birthApplication({ permanentResidence: home }, { dateOfBirth }),
  });
  expect(answer.status).toBe(201);
  expect(answer.body.procedureId).toMatch(/^[0-9a-f-]{36}$/);
  return answer.body;
}

async function procedureTypes(id: string): Promise<string[]> {
  return (await store.readStream(procedureStream(id))).map((event) => event.type);
}

describe('birth procedure', () => {
  it('registers the residence from the date of birth, gets the card, and completes', async () => {
    agency.behaviour = { decision: 'grant', delayMs: 0, replyTwice: false };
    const { pin, procedureId } = await registerChild();
    const procedure = await api.procedureWhen(procedureId, (p) => p.status === 'completed');
    expect(procedure).toMatchObject({ kind: 'birth', pin, overdue: false });
    expect(procedure.steps.map((step: any) => [step.name, step.status])).toEqual([
      ['permanent_residence', 'done'],
      ['health_insurance_card', 'done'],
    ]);
    expect(procedure.steps[1].outcome.cardNumber).toMatch(/^TE1\d{10}$/);
    const residence = (await api.streamEvents(pin)).filter((event) => event.type === 'PermanentResidenceRegistered');
    expect(residence).toHaveLength(1);
    expect(residence[0].data).toMatchObject({ address: home, effectiveDate: today });
  });

  it('a refused card waits for a person; a retry after the agency grants completes it', async () => {
    agency.behaviour = { decision: 'refuse-first', delayMs: 0, replyTwice: false };
    const { procedureId } = await registerChild();
    const refused = await api.procedureWhen(procedureId, (p) => p.status === 'needs_attention');
    expect(refused.steps[1]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(refused.reason).toBe('not found in the insurance register');
    const officer = api.token({ roles: ['officer'], office: '001' });
    const retried = await api.call('POST', `/v1/procedures/${procedureId}/retry`, { token: officer });
    expect(retried.status).toBe(200);
    const completed = await api.procedureWhen(procedureId, (p) => p.status === 'completed');
    expect(completed.steps[1]).toMatchObject({ status: 'done', attempts: 2 });
    const again = await api.call('POST', `/v1/procedures/${procedureId}/retry`, { token: officer });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('PROCEDURE_NOT_RETRYABLE');
  });

  it('applies a reply delivered twice once', async () => {
    agency.behaviour = { decision: 'grant', delayMs: 0, replyTwice: true };
    const { procedureId } = await registerChild();
    await api.procedureWhen(procedureId, (p) => p.status === 'completed');
    const types = await procedureTypes(procedureId);
    expect(types.filter((type) => type === 'ServiceReplyApplied')).toHaveLength(1);
    expect(types.filter((type) => type === 'ProcedureCompleted')).toHaveLength(1);
  });
});

describe('death procedure', () => {
  it('cancels the residence as of the date of death and records the funeral allowance decision', async () => {
    agency.behaviour = { decision: 'grant', delayMs: 0, replyTwice: false };
    const pin = await api.registerCitizen({ dateOfBirth: '1950-02-01' });
    const moved = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
      body: { address: home, effectiveDate: '1990-01-01' },
    });
    expect(moved.status).toBe(200);
    const death = await api.call('POST', `/v1/citizens/${pin}/death`, {
      body: {
        dateOfDeath: '2026-01-10',
        placeOfDeath: { provinceCode: '001', detail: null },
        certificateNumber: 'KT-1',
      },
    });
    expect(death.status).toBe(200);
    const procedure = await api.procedureWhen(death.body.procedureId, (p) => p.status === 'completed');
    expect(procedure.steps[1].outcome.decisionNumber).toMatch(/^QD-\d{10}$/);
    const cancelled = (await api.streamEvents(pin)).filter((event) => event.type === 'PermanentResidenceCancelled');
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0].data).toMatchObject({ reason: 'deceased', effectiveDate: '2026-01-10' });
  });
});

describe('a death annulled', () => {
  it('cancels its procedure: each step compensated, the allowance request withdrawn, the residence restored', async () => {
    agency.behaviour = { decision: 'grant', delayMs: 0, replyTwice: false };
    const pin = await api.registerCitizen({ dateOfBirth: '1951-03-01' });
    await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
      body: { address: home, effectiveDate: '1990-01-01' },
    });
    const death = await api.call('POST', `/v1/citizens/${pin}/death`, {
      body: {
        dateOfDeath: '2026-02-10',
        placeOfDeath: { provinceCode: '001', detail: null },
        certificateNumber: 'KT-2',
      },
    });
    const id = death.body.procedureId;
    await api.procedureWhen(id, (p) => p.status === 'completed');
    const annulled = await api.call('POST', `/v1/citizens/${pin}/death/annulment`, {
      body: { reason: 'registered in error', legalBasis: 'QĐ 7' },
    });
    expect(annulled.status).toBe(200);
    const cancelled = await api.procedureWhen(id, (p) => p.status === 'cancelled');
    expect(cancelled.steps.map((step: any) => step.status)).toEqual(['compensated', 'compensated']);
    const requestId = `${id}.funeral_allowance`;
    const deadline = Date.now() + 30_000;
    const withdrawals = () => agency.received.filter((r) => r.requestId === requestId && r.action === 'withdraw');
    while (withdrawals().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(withdrawals()).not.toHaveLength(0);
    const types = (await api.streamEvents(pin)).map((event) => event.type);
    expect(types.slice(-3)).toEqual(['DeathRegistered', 'PermanentResidenceCancelled', 'DeathAnnulled']);
    const annulment = (await api.streamEvents(pin)).at(-1)!;
    expect(annulment.data).toMatchObject({ restoredPermanentResidence: { address: home, since: '1990-01-01' } });
  });
});

describe('reading procedures', () => {
  it('answers 404 for an unknown procedure and 403 to a historian', async () => {
    const supervisor = api.token({ roles: ['supervisor'], office: '001' });
    const unknown = await api.call('GET', '/v1/procedures/00000000-0000-5000-8000-000000000000', { token: supervisor });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('PROCEDURE_NOT_FOUND');
    const historian = api.token({ roles: ['historian'] });
    expect((await api.call('GET', '/v1/procedures', { token: historian })).status).toBe(403);
  });

  it("is seen and retried by the offices of the citizen's province and of the start, no other; reads are audited", async () => {
    agency.behaviour = { decision: 'refuse', delayMs: 0, replyTwice: false };
    const fiveDaysAgo = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    const { pin, procedureId } = await registerChild(fiveDaysAgo);
    await api.procedureWhen(procedureId, (p) => p.status === 'needs_attention');
    const office = (code: string, role = 'officer') =>
      api.token({ roles: [role], office: code, sub: `${role}-${code}` } as never);
    // The child moves to 079: its office is now in charge, and 001 (which started it) still sees it.
    const moved = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
      token: office('079'),
      body: { address: { provinceCode: '079', communeCode: '27676', line: '5 Thạnh An' }, effectiveDate: today },
    });
    expect(moved.status).toBe(200);
    const read = (token: string) => api.call('GET', `/v1/procedures/${procedureId}`, { token });
    expect((await read(office('001'))).status).toBe(200);
    expect((await read(office('079', 'supervisor'))).status).toBe(200);
    const elsewhere = await read(office('048'));
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([403, 'JURISDICTION_DENIED']);
    const retried = await api.call('POST', `/v1/procedures/${procedureId}/retry`, { token: office('048') });
    expect([retried.status, retried.body.error.code]).toEqual([403, 'JURISDICTION_DENIED']);
    expect(await procedureTypes(procedureId)).not.toContain('ProcedureRetried');

    const trail = await api.call('GET', `/v1/audit?pin=${pin}`, { token: office('001', 'supervisor') });
    const procedureReads = trail.body.items.filter((item: any) => item.action === 'procedure');
    // (the harness's own polling reads are there too); a refused read answered nothing: not audited.
    const readers = new Set(procedureReads.map((item: any) => item.sub));
    expect([readers.has('officer-001'), readers.has('supervisor-079'), readers.has('officer-048')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('lists procedures by status for supervisors', async () => {
    agency.behaviour = { decision: 'refuse', delayMs: 0, replyTwice: false };
    const { procedureId } = await registerChild();
    await api.procedureWhen(procedureId, (p) => p.status === 'needs_attention');
    const supervisor = api.token({ roles: ['supervisor'], office: '001' });
    const deadline = Date.now() + 10_000;
    let listed: any[] = [];
    while (!listed.some((item) => item.id === procedureId) && Date.now() < deadline) {
      const page = await api.call('GET', '/v1/procedures?status=needs_attention&provinceCode=001', {
        token: supervisor,
      });
      expect(page.status).toBe(200);
      listed = page.body.items;
    }
    expect(listed.find((item) => item.id === procedureId)).toMatchObject({ kind: 'birth', status: 'needs_attention' });
    expect(listed.every((item) => item.status === 'needs_attention')).toBe(true);
  });
});
