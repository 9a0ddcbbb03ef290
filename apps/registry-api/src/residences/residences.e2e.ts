import { apiForSuite, type StoreName } from '../test-support/api-harness';
import { home, elsewhere } from '../test-support/addresses';

/** Runs against each event store: see residences.e2e.spec.ts and residences.kurrentdb.e2e.spec.ts. */
export function residencesSuite(store: StoreName): void {
  const api = apiForSuite(store);

  describe('permanent residence', () => {
    it('registers one (200, revision, ETag) and a new one ends the previous', async () => {
      const pin = await api.registerCitizen();
      const first = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2010-01-01' },
      });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ revision: 1 });
      expect(first.headers.etag).toBe('"1"');
      const second = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: elsewhere, effectiveDate: '2020-06-01' },
      });
      expect(second.body).toEqual({ revision: 2 });
      const citizen = await api.call('GET', `/v1/citizens/${pin}?minRevision=2`);
      expect(citizen.body.permanentResidence).toEqual({ address: elsewhere, since: '2020-06-01' });
      const timeline = await api.call('GET', `/v1/citizens/${pin}/timeline`);
      expect(timeline.body.events[2].data.previous).toEqual({ address: home, since: '2010-01-01' });
    });

    it('cancels it with a reason', async () => {
      const pin = await api.registerCitizen();
      await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2010-01-01' },
      });
      const answer = await api.call('POST', `/v1/citizens/${pin}/permanent-residence/cancellation`, {
        body: { reason: 'moved_abroad', effectiveDate: '2024-07-01', note: 'emigrated' },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.revision).toBe(2);
      expect((await api.call('GET', `/v1/citizens/${pin}?minRevision=2`)).body.permanentResidence).toBeNull();
    });
  });

  describe('temporary residence', () => {
    it('registers a period and replaces an earlier one', async () => {
      const pin = await api.registerCitizen();
      await api.call('POST', `/v1/citizens/${pin}/temporary-residence`, {
        body: { address: home, from: '2024-01-01', until: '2024-12-31' },
      });
      const answer = await api.call('POST', `/v1/citizens/${pin}/temporary-residence`, {
        body: { address: elsewhere, from: '2024-06-01', until: '2025-06-01' },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.revision).toBe(3);
      expect(await api.streamTypes(pin)).toEqual([
        'BirthRegistered',
        'TemporaryResidenceRegistered',
        'TemporaryResidenceEnded',
        'TemporaryResidenceRegistered',
      ]);
      expect((await api.call('GET', `/v1/citizens/${pin}?minRevision=3`)).body.temporaryResidence).toEqual({
        address: elsewhere,
        from: '2024-06-01',
        until: '2025-06-01',
      });
    });
  });

  describe('If-Match and idempotency on existing citizens', () => {
    it('accepts the current revision and refuses a stale one with 412 REVISION_MISMATCH', async () => {
      const pin = await api.registerCitizen();
      const ok = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2010-01-01' },
        headers: { 'if-match': '"0"' },
      });
      expect(ok.status).toBe(200);
      const before = await api.eventsWritten();
      const stale = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: elsewhere, effectiveDate: '2020-01-01' },
        headers: { 'if-match': '"0"' },
      });
      expect(stale.status).toBe(412);
      expect(stale.body.error.code).toBe('REVISION_MISMATCH');
      expect(await api.eventsWritten()).toBe(before);
    });

    it('a retried residence registration returns the first answer and records one event', async () => {
      const pin = await api.registerCitizen();
      const headers = { 'idempotency-key': `move-${pin}` };
      const body = { address: home, effectiveDate: '2010-01-01' };
      const first = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, { body, headers });
      const retry = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, { body, headers });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect(await api.streamTypes(pin)).toEqual(['BirthRegistered', 'PermanentResidenceRegistered']);
    });

    it('concurrent writes without If-Match are both recorded, in order', async () => {
      const pin = await api.registerCitizen();
      const answers = await Promise.all([
        api.call('POST', `/v1/citizens/${pin}/temporary-residence`, {
          body: { address: home, from: '2024-01-01', until: '2024-03-01' },
        }),
        api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
          body: { address: elsewhere, effectiveDate: '2015-01-01' },
        }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect((await api.streamTypes(pin)).length).toBe(3);
    });

    it('50 concurrent writes on one citizen without If-Match: each recorded or refused by a rule, none a conflict', async () => {
      const pin = await api.registerCitizen();
      // Distinct dates in shuffled order: a write that lands after a later-dated one breaks a rule.
      const dates = Array.from({ length: 50 }, (_, i) =>
        new Date(Date.UTC(2000, 0, 1 + i * 7)).toISOString().slice(0, 10),
      );
      const shuffled = dates.map((date, i) => ({ date, key: (i * 37) % 50 })).sort((a, b) => a.key - b.key);
      const answers = await Promise.all(
        shuffled.map(({ date }) =>
          api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
            body: { address: { ...home, line: `${date} Phố Huế` }, effectiveDate: date },
          }),
        ),
      );
      const recorded = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status !== 200);
      expect(refused.map((a) => [a.status, a.body.error.code])).toEqual(
        refused.map(() => [422, 'RESIDENCE_DATE_BEFORE_CURRENT']),
      );
      expect(recorded.length).toBeGreaterThan(0);
      // Every recorded write got its own revision, and the stream holds exactly those events.
      const revisions = recorded.map((a) => a.body.revision as number).sort((a, b) => a - b);
      expect(revisions).toEqual(Array.from({ length: recorded.length }, (_, i) => i + 1));
      const events = await api.streamEvents(pin);
      expect(events.length).toBe(recorded.length + 1);
      const effective = events.slice(1).map((e) => e.data.effectiveDate as string);
      expect(effective).toEqual([...effective].sort());
    });
  });
}
