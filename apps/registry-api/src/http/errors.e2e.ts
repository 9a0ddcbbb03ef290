import { ApiHarness, birthApplication, type StoreName } from '../test-support/api-harness';

/** Runs against each event store: see errors.e2e.spec.ts and errors.kurrentdb.e2e.spec.ts. */
export function errorsSuite(store: StoreName): void {
  /** Every error status of API.md: its code, its body shape, and nothing written to the store. */
  let api: ApiHarness;
  let pin: string;
  beforeAll(async () => {
    api = await ApiHarness.start(store);
    pin = (await api.call('POST', '/v1/births', { body: birthApplication({}, { dateOfBirth: '1990-01-01' }) })).body
      .pin;
  });
  afterAll(() => api.stop());

  async function expectRefused(call: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    const before = await api.eventsWritten();
    const answer = await call();
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
    expect(await api.eventsWritten()).toBe(before);
    return answer.body.error;
  }

  const residence = { address: { provinceCode: '001', line: '1 Hàng Gai' }, effectiveDate: '2020-01-01' };

  describe('400 VALIDATION_FAILED', () => {
    it('malformed JSON', () =>
      expectRefused(() => api.call('POST', '/v1/births', { rawBody: '{"child": ' }), 400, 'VALIDATION_FAILED'));

    it('missing fields, listing each', async () => {
      const error = await expectRefused(
        () => api.call('POST', '/v1/births', { body: { child: { familyName: 'Lê' } } }),
        400,
        'VALIDATION_FAILED',
      );
      const fields = error.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(
        expect.arrayContaining(['child.givenName', 'child.sex', 'child.dateOfBirth', 'registrationProvinceCode']),
      );
    });

    it('ill-typed fields', async () => {
      const body = birthApplication({}, { dateOfBirth: '2023-02-29', sex: 'other' });
      const error = await expectRefused(() => api.call('POST', '/v1/births', { body }), 400, 'VALIDATION_FAILED');
      expect(error.details.map((d: { field: string }) => d.field)).toEqual(
        expect.arrayContaining(['child.dateOfBirth', 'child.sex']),
      );
    });

    it('unknown fields', async () => {
      const error = await expectRefused(
        () => api.call('POST', '/v1/births', { body: birthApplication({ favouriteColour: 'red' }) }),
        400,
        'VALIDATION_FAILED',
      );
      expect(error.details).toEqual([expect.objectContaining({ field: 'favouriteColour' })]);
    });

    it('a malformed PIN in the path or a malformed If-Match', async () => {
      await expectRefused(
        () => api.call('POST', '/v1/citizens/12ab/permanent-residence', { body: residence }),
        400,
        'VALIDATION_FAILED',
      );
      await expectRefused(
        () =>
          api.call('POST', `/v1/citizens/${pin}/permanent-residence`, {
            body: residence,
            headers: { 'if-match': 'yesterday' },
          }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('401 and 403', () => {
    it('401 UNAUTHENTICATED without a token, with a bad one, or one signed with another secret', async () => {
      await expectRefused(
        () => api.call('POST', '/v1/births', { body: birthApplication(), token: null }),
        401,
        'UNAUTHENTICATED',
      );
      await expectRefused(
        () => api.call('POST', '/v1/births', { body: birthApplication(), token: 'not.a.jwt' }),
        401,
        'UNAUTHENTICATED',
      );
      const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZXMiOlsib2ZmaWNlciJdfQ.c2lnbmF0dXJl';
      await expectRefused(
        () => api.call('POST', '/v1/births', { body: birthApplication(), token: forged }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('403 FORBIDDEN for a role that may not write', () =>
      expectRefused(
        () => api.call('POST', '/v1/births', { body: birthApplication(), token: api.token({ roles: ['historian'] }) }),
        403,
        'FORBIDDEN',
      ));

    it('403 JURISDICTION_DENIED for an officer of another province', () =>
      expectRefused(
        () =>
          api.call('POST', '/v1/births', {
            body: birthApplication(),
            token: api.token({ roles: ['officer'], office: '079' }),
          }),
        403,
        'JURISDICTION_DENIED',
      ));

    it('an officer of a surviving province serves the provinces merged into it', async () => {
      const token = api.token({ roles: ['officer'], office: '079' });
      const move = { address: { provinceCode: '079', line: '5 Lê Lợi' }, effectiveDate: '2025-08-01' };
      const answer = await api.call('POST', `/v1/citizens/${pin}/permanent-residence`, { body: move, token });
      expect(answer.status).toBe(200);
    });
  });

  describe('404, 409, 412, 422', () => {
    it('404 CITIZEN_NOT_FOUND for an unknown PIN, on reads and writes', async () => {
      await expectRefused(() => api.call('GET', '/v1/citizens/001299999999'), 404, 'CITIZEN_NOT_FOUND');
      await expectRefused(
        () => api.call('POST', '/v1/citizens/001299999999/permanent-residence', { body: residence }),
        404,
        'CITIZEN_NOT_FOUND',
      );
    });

    it('409 IDEMPOTENCY_KEY_REUSED', async () => {
      const headers = { 'idempotency-key': `errors-${Date.now()}` };
      await api.call('POST', '/v1/births', { body: birthApplication(), headers });
      await expectRefused(
        () => api.call('POST', '/v1/births', { body: birthApplication({}, { givenName: 'Khác' }), headers }),
        409,
        'IDEMPOTENCY_KEY_REUSED',
      );
    });

    it('412 REVISION_MISMATCH', () =>
      expectRefused(
        () =>
          api.call('POST', `/v1/citizens/${pin}/temporary-residence`, {
            body: { address: residence.address, from: '2024-01-01', until: '2024-02-01' },
            headers: { 'if-match': '"99"' },
          }),
        412,
        'REVISION_MISMATCH',
      ));

    it.each([
      ['BIRTH_DATE_IN_FUTURE', birthApplication({}, { dateOfBirth: '2099-01-01' })],
      ['BIRTH_YEAR_OUT_OF_RANGE', birthApplication({}, { dateOfBirth: '2999-01-01' })],
      ['UNKNOWN_ADMINISTRATIVE_UNIT', birthApplication({}, { placeOfBirth: { provinceCode: '999' } })],
      [
        'UNKNOWN_ADMINISTRATIVE_UNIT',
        birthApplication({}, { dateOfBirth: '2025-09-01', placeOfBirth: { provinceCode: '074' } }),
      ],
      ['PARENT_NOT_FOUND', birthApplication({ motherPin: '001190000001' })],
    ])('422 %s on a birth', (code, body) => expectRefused(() => api.call('POST', '/v1/births', { body }), 422, code));

    it('422 CITIZEN_DECEASED and DEATH_DATE_IN_FUTURE', async () => {
      const other = (
        await api.call('POST', '/v1/births', { body: birthApplication({}, { dateOfBirth: '1950-01-01' }) })
      ).body.pin;
      await expectRefused(
        () =>
          api.call('POST', `/v1/citizens/${other}/death`, {
            body: { dateOfDeath: '2999-01-01', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'X' },
          }),
        422,
        'DEATH_DATE_IN_FUTURE',
      );
      await api.call('POST', `/v1/citizens/${other}/death`, {
        body: { dateOfDeath: '2020-01-01', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'X' },
      });
      await expectRefused(
        () =>
          api.call('POST', `/v1/citizens/${other}/death`, {
            body: { dateOfDeath: '2020-01-02', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'Y' },
          }),
        422,
        'CITIZEN_DECEASED',
      );
    });
  });

  describe('OpenAPI and health', () => {
    it('serves the OpenAPI document without a token', async () => {
      const answer = await api.call('GET', '/docs-json', { token: null });
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body.paths)).toEqual(
        expect.arrayContaining(['/v1/births', '/v1/citizens/{pin}/death']),
      );
      const ui = await api.call('GET', '/docs', { token: null });
      expect(ui.status).toBe(200);
      expect(String(ui.body)).toContain('swagger-ui');
    });

    it('reports health without a token', async () => {
      const answer = await api.call('GET', '/health', { token: null });
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe('ok');
    });
  });
}
