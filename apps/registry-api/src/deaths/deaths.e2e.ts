import { apiForSuite, type StoreName } from '../test-support/api-harness';
import { home, elsewhere } from '../test-support/addresses';

/** Runs against each event store: see deaths.e2e.spec.ts and deaths.kurrentdb.e2e.spec.ts. */
export function deathsSuite(store: StoreName): void {
  const api = apiForSuite(store);

  describe('death', () => {
    it('registers a death; afterwards only the residence cancellation of the deceased is accepted', async () => {
      const pin = await api.registerCitizen();
      await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2010-01-01' },
      });
      const death = await api.call('POST', `/v1/citizens/${pin}/death`, {
        body: {
          dateOfDeath: '2024-05-01',
          placeOfDeath: { provinceCode: '001', detail: 'Hà Nội' },
          certificateNumber: 'KT-2024-000123',
        },
      });
      expect(death.status).toBe(200);
      const citizen = await api.call('GET', `/v1/citizens/${pin}?minRevision=${death.body.revision}`);
      expect(citizen.body).toMatchObject({ status: 'deceased', dateOfDeath: '2024-05-01' });

      const before = await api.eventsWritten();
      const move = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: elsewhere, effectiveDate: '2024-06-01' },
      });
      expect(move.status).toBe(422);
      expect(move.body.error.code).toBe('CITIZEN_DECEASED');
      expect(await api.eventsWritten()).toBe(before);

      const cancel = await api.call('POST', `/v1/citizens/${pin}/permanent-residence/cancellation`, {
        body: { reason: 'deceased', effectiveDate: '2024-05-01' },
      });
      expect(cancel.status).toBe(200);
    });

    it('refuses a death before the birth with DEATH_BEFORE_BIRTH and records nothing', async () => {
      const pin = await api.registerCitizen();
      const before = await api.eventsWritten();
      const answer = await api.call('POST', `/v1/citizens/${pin}/death`, {
        body: { dateOfDeath: '1980-01-01', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'KT-1' },
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatchObject({ code: 'DEATH_BEFORE_BIRTH', message: expect.any(String) });
      expect(await api.eventsWritten()).toBe(before);
    });
  });
}
