import { apiForSuite, birthApplication, type StoreName } from '../test-support/api-harness';
import { currentRecord } from '../test-support/current-record';

/** Clean data at birth registration: see birth-data-quality(.kurrentdb).e2e.spec.ts. */
export function birthDataQualitySuite(store: StoreName): void {
  const api = apiForSuite(store);

  const register = (body: object, key?: string) =>
    api.call('POST', '/v1/births', { body, headers: key ? { 'idempotency-key': key } : {} });

  async function mother(dateOfBirth = '1990-06-01'): Promise<string> {
    const answer = await register(birthApplication({}, { sex: 'female', dateOfBirth, givenName: `Mẹ ${dateOfBirth}` }));
    expect(answer.status).toBe(201);
    return answer.body.pin;
  }

  async function refused(body: object, status: number, code: string) {
    const before = await api.eventsWritten();
    const answer = await register(body);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code, message: expect.any(String) });
    expect(await api.eventsWritten()).toBe(before);
    return answer;
  }

  describe('POSSIBLE_DUPLICATE', () => {
    it('refuses the same child sent twice with two idempotency keys, naming the existing PIN', async () => {
      const motherPin = await mother();
      const child = birthApplication({ motherPin }, { givenName: 'Bình', dateOfBirth: '2024-03-05' });
      const first = await register(child, `first-${motherPin}`);
      expect(first.status).toBe(201);
      const second = await refused(
        { ...child, child: { ...child.child, givenName: 'Binh' } },
        422,
        'POSSIBLE_DUPLICATE',
      );
      expect(second.body.error.details).toEqual([{ field: 'confirmedDistinctFrom', existingPin: first.body.pin }]);
    });

    it('gives twins confirmed distinct two PINs', async () => {
      const motherPin = await mother();
      const first = await register(birthApplication({ motherPin }, { givenName: 'An', dateOfBirth: '2024-03-05' }));
      expect(first.status).toBe(201);
      const twin = birthApplication(
        { motherPin, confirmedDistinctFrom: [first.body.pin] },
        { givenName: 'Anh', dateOfBirth: '2024-03-05' },
      );
      await refused({ ...twin, confirmedDistinctFrom: undefined }, 422, 'POSSIBLE_DUPLICATE');
      const second = await register(twin);
      expect(second.status).toBe(201);
      expect(second.body.pin).not.toBe(first.body.pin);
    });

    it('lets exactly one of two concurrent registrations of the same child through', async () => {
      const motherPin = await mother();
      const child = birthApplication({ motherPin }, { givenName: 'Cường', dateOfBirth: '2024-04-04' });
      const answers = await Promise.all([register(child, `a-${motherPin}`), register(child, `b-${motherPin}`)]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
    });
  });

  describe('the edges of a birth', () => {
    it.each([
      ['1899-12-31', 'BIRTH_YEAR_OUT_OF_RANGE'],
      ['2400-01-01', 'BIRTH_YEAR_OUT_OF_RANGE'],
    ])('refuses a birth on %s with 422 %s', async (dateOfBirth, code) => {
      await refused(birthApplication({}, { dateOfBirth }), 422, code);
    });

    it('accepts an ISO 3166-1 alpha-2 nationality and refuses anything else with 400', async () => {
      expect((await register(birthApplication({}, { nationality: 'FR' }))).status).toBe(201);
      for (const nationality of ['XX', 'vn', 'VNM']) {
        await refused(birthApplication({}, { nationality }), 400, 'VALIDATION_FAILED');
      }
    });
  });

  describe('plausible parents', () => {
    it('refuses a mother younger than the documented minimum age with PARENT_TOO_YOUNG', async () => {
      const motherPin = await mother('2014-01-01');
      await refused(birthApplication({ motherPin }, { dateOfBirth: '2024-03-05' }), 422, 'PARENT_TOO_YOUNG');
    });

    it('refuses a father who died more than 300 days before the birth', async () => {
      const father = (await register(birthApplication({}, { dateOfBirth: '1985-01-01' }))).body.pin;
      const death = await api.call('POST', `/v1/citizens/${father}/death`, {
        body: { dateOfDeath: '2023-01-01', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'KT-3' },
      });
      expect(death.status).toBe(200);
      await refused(
        birthApplication({ fatherPin: father }, { dateOfBirth: '2024-03-05' }),
        422,
        'FATHER_DECEASED_BEFORE_CONCEPTION',
      );
    });

    it('resolves a mother named by a re-established PIN to her current PIN, and checks her', async () => {
      const oldPin = await mother('1991-06-01');
      const correction = await api.call('POST', `/v1/citizens/${oldPin}/corrections`, {
        body: { field: 'dateOfBirth', value: '1992-06-01', reason: 'wrong year', legalBasis: 'QĐ 9' },
      });
      expect(correction.status).toBe(200);
      const newPin = correction.body.pin;
      expect(newPin).not.toBe(oldPin);
      const child = await register(birthApplication({ motherPin: oldPin }, { dateOfBirth: '2024-03-05' }));
      expect(child.status).toBe(201);
      expect((await currentRecord(api, child.body.pin)).motherPin).toBe(newPin);
      // The checks run on the current record: she was 12 in 2004 by the corrected date.
      await refused(birthApplication({ motherPin: oldPin }, { dateOfBirth: '2004-03-05' }), 422, 'PARENT_TOO_YOUNG');
    });
  });

  describe('children born before their mother re-established her PIN', () => {
    /** A mother with a child, whose PIN a correction of her year of birth then re-establishes. */
    async function motherWithChildThenNewPin(birthYear: string, child: Record<string, unknown>) {
      const oldPin = await mother(`${birthYear}-06-01`);
      const born = await register(birthApplication({ motherPin: oldPin }, child));
      expect(born.status).toBe(201);
      const correction = await api.call('POST', `/v1/citizens/${oldPin}/corrections`, {
        body: {
          field: 'dateOfBirth',
          value: `${Number(birthYear) - 1}-06-01`,
          reason: 'wrong year',
          legalBasis: 'QĐ 10',
        },
      });
      expect(correction.status).toBe(200);
      expect(correction.body.pin).not.toBe(oldPin);
      return { oldPin, newPin: correction.body.pin as string, childPin: born.body.pin as string };
    }

    it('still finds the child: the same child registered again under her new PIN is POSSIBLE_DUPLICATE', async () => {
      const child = { givenName: 'Đức', dateOfBirth: '2023-02-02' };
      const { newPin, childPin } = await motherWithChildThenNewPin('1993', child);
      const again = await refused(birthApplication({ motherPin: newPin }, child), 422, 'POSSIBLE_DUPLICATE');
      expect(again.body.error.details).toEqual([{ field: 'confirmedDistinctFrom', existingPin: childPin }]);
    });

    it('re-checks the child when her date of birth is corrected again (CORRECTION_CONFLICTS_WITH_CHILD)', async () => {
      const { newPin, childPin } = await motherWithChildThenNewPin('1994', { dateOfBirth: '2023-03-03' });
      const before = await api.eventsWritten();
      const impossible = await api.call('POST', `/v1/citizens/${newPin}/corrections`, {
        body: { field: 'dateOfBirth', value: '2015-06-01', reason: 'wrong year', legalBasis: 'QĐ 11' },
      });
      expect(impossible.status).toBe(422);
      expect(impossible.body.error.code).toBe('CORRECTION_CONFLICTS_WITH_CHILD');
      expect(JSON.stringify(impossible.body.error.details)).toContain(childPin);
      expect(await api.eventsWritten()).toBe(before);
    });

    it('refuses to marry the child to her (PROHIBITED_RELATIONSHIP), or to a sibling born after the change', async () => {
      const { newPin, childPin } = await motherWithChildThenNewPin('1960', { sex: 'male', dateOfBirth: '1990-04-04' });
      const marry = (spouses: string[]) =>
        api.call('POST', '/v1/marriages', { body: { spouses, date: '2024-05-20', registrationProvinceCode: '001' } });
      const withMother = await marry([childPin, newPin]);
      expect([withMother.status, withMother.body.error.code]).toEqual([422, 'PROHIBITED_RELATIONSHIP']);
      const sister = await register(
        birthApplication({ motherPin: newPin }, { sex: 'female', givenName: 'Hoa', dateOfBirth: '1992-05-05' }),
      );
      expect(sister.status).toBe(201);
      const siblings = await marry([childPin, sister.body.pin]);
      expect([siblings.status, siblings.body.error.code]).toEqual([422, 'PROHIBITED_RELATIONSHIP']);
    });
  });
}
