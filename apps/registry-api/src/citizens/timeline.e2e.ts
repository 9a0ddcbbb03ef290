import { apiForSuite, type StoreName } from '../test-support/api-harness';
import { home } from '../test-support/addresses';

/** Runs against each event store: see timeline.e2e.spec.ts and timeline.kurrentdb.e2e.spec.ts. */
export function timelineSuite(store: StoreName): void {
  const api = apiForSuite(store);

  describe('timeline', () => {
    it('lists every event with both time axes, actor and correlation, in stream order', async () => {
      const pin = await api.registerCitizen();
      await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
        body: { address: home, effectiveDate: '2010-01-01' },
      });
      const answer = await api.call('GET', `/v1/citizens/${pin}/timeline`, {
        token: api.token({ roles: ['historian'] }),
      });
      expect(answer.status).toBe(200);
      expect(answer.body.pin).toBe(pin);
      expect(answer.body.events).toEqual([
        expect.objectContaining({
          type: 'BirthRegistered',
          revision: 0,
          effectiveAt: '1990-04-01',
          actor: { sub: api.sub, office: '001' },
        }),
        expect.objectContaining({ type: 'PermanentResidenceRegistered', revision: 1, effectiveAt: '2010-01-01' }),
      ]);
      expect(new Date(answer.body.events[1].recordedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(answer.body.events[0].recordedAt).getTime(),
      );
    });
  });
}
