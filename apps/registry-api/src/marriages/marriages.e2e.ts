import { apiForSuite, birthApplication, type StoreName } from '../test-support/api-harness';
import { currentRecord } from '../test-support/current-record';

/** Runs against each event store: see marriages.e2e.spec.ts and marriages.kurrentdb.e2e.spec.ts. */
export function marriagesSuite(store: StoreName): void {
  const api = apiForSuite(store);

  async function person(sex: 'male' | 'female', dateOfBirth: string, extra: Record<string, unknown> = {}) {
    const answer = await api.call('POST', '/v1/births', {
      body: birthApplication(extra, { sex, dateOfBirth, givenName: `${sex}-${dateOfBirth}` }),
    });
    expect(answer.status).toBe(201);
    return answer.body.pin as string;
  }

  const marry = (spouses: string[], date = '2024-05-20', extra: Record<string, unknown> = {}, key?: string) =>
    api.call('POST', '/v1/marriages', {
      body: { spouses, date, registrationProvinceCode: '001', certificateNumber: 'KH-2024-000045', ...extra },
      headers: key ? { 'idempotency-key': key } : {},
    });

  /** The record once the read model holds the stream's last event. */
  const record = (pin: string) => currentRecord(api, pin);

  describe('POST /v1/marriages', () => {
    it('records the marriage on both spouses (201, Location, revisions) and GET answers it', async () => {
      const [husband, wife] = [await person('male', '1990-01-01'), await person('female', '1992-02-02')];
      const answer = await marry([husband, wife]);
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({ marriageId: expect.any(String), revisions: { [husband]: 1, [wife]: 1 } });
      expect(answer.headers.location).toBe(`/v1/marriages/${answer.body.marriageId}`);
      expect(await api.streamTypes(husband)).toEqual(['BirthRegistered', 'MarriageRegistered']);
      expect(await api.streamTypes(wife)).toEqual(['BirthRegistered', 'MarriageRegistered']);

      const marriage = await api.call('GET', `/v1/marriages/${answer.body.marriageId}`);
      expect(marriage.status).toBe(200);
      expect(marriage.body).toMatchObject({
        marriageId: answer.body.marriageId,
        spouses: [husband, wife],
        date: '2024-05-20',
        status: 'married',
        endedOn: null,
      });
      expect(await record(husband)).toMatchObject({ maritalStatus: 'married', spousePin: wife });
      expect(await record(wife)).toMatchObject({ maritalStatus: 'married', spousePin: husband });
    });

    it('answers a retry with the same key with the first answer and records nothing new', async () => {
      const [a, b] = [await person('male', '1990-01-03'), await person('female', '1992-02-03')];
      const first = await marry([a, b], '2024-05-20', {}, `m-${a}`);
      const before = await api.eventsWritten();
      const again = await marry([a, b], '2024-05-20', {}, `m-${a}`);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await api.eventsWritten()).toBe(before);
    });

    it.each([
      [
        'ALREADY_MARRIED',
        async () => {
          const [a, b, c] = [
            await person('male', '1990-01-04'),
            await person('female', '1992-02-04'),
            await person('female', '1993-02-04'),
          ];
          expect((await marry([a, b])).status).toBe(201);
          return [a, c];
        },
      ],
      [
        'UNDER_MARRIAGEABLE_AGE',
        async () => [await person('male', '2005-01-01'), await person('female', '1992-02-05')],
      ],
      [
        'PROHIBITED_RELATIONSHIP',
        async () => {
          const mother = await person('female', '1960-01-01');
          return [await person('male', '1990-01-06', { motherPin: mother }), mother];
        },
      ],
      [
        'SPOUSES_NOT_DISTINCT',
        async () => {
          const a = await person('male', '1990-01-07');
          return [a, a];
        },
      ],
      [
        'CITIZEN_DECEASED',
        async () => {
          const a = await person('male', '1990-01-08');
          const death = await api.call('POST', `/v1/citizens/${a}/death`, {
            body: { dateOfDeath: '2024-01-01', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'KT-1' },
          });
          expect(death.status).toBe(200);
          return [a, await person('female', '1992-02-08')];
        },
      ],
    ] as const)('refuses with 422 %s and records nothing', async (code, spousesOf) => {
      const spouses = await spousesOf();
      const before = await api.eventsWritten();
      const answer = await marry(spouses);
      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatchObject({ code, message: expect.any(String) });
      expect(await api.eventsWritten()).toBe(before);
    });

    it('answers 404 CITIZEN_NOT_FOUND for an unknown spouse, 400 for a malformed body, 403 outside the jurisdiction', async () => {
      const a = await person('male', '1990-01-09');
      expect((await marry([a, '001192999999'])).body.error.code).toBe('CITIZEN_NOT_FOUND');
      const malformed = await marry([a]);
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
      const elsewhere = await marry([a, await person('female', '1992-02-09')], '2024-05-20', {
        registrationProvinceCode: '079',
      });
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.body.error.code).toBe('JURISDICTION_DENIED');
    });
  });

  describe('divorce and death', () => {
    it('divorces: both divorced without a spouse; the marriage is divorced; a second divorce is refused', async () => {
      const [a, b] = [await person('male', '1990-01-10'), await person('female', '1992-02-10')];
      const { marriageId } = (await marry([a, b])).body;
      const early = await api.call('POST', `/v1/marriages/${marriageId}/divorce`, {
        body: { date: '2024-05-19', courtDecision: 'BA-1' },
      });
      expect(early.status).toBe(422);
      expect(early.body.error.code).toBe('DIVORCE_BEFORE_MARRIAGE');

      const divorce = await api.call('POST', `/v1/marriages/${marriageId}/divorce`, {
        body: { date: '2025-03-01', courtDecision: 'BA-12/2025' },
      });
      expect(divorce.status).toBe(200);
      expect(divorce.body).toEqual({ marriageId, revisions: { [a]: 2, [b]: 2 } });
      expect((await api.call('GET', `/v1/marriages/${marriageId}`)).body).toMatchObject({
        status: 'divorced',
        endedOn: '2025-03-01',
      });
      expect(await record(a)).toMatchObject({ maritalStatus: 'divorced', spousePin: null });
      expect(await record(b)).toMatchObject({ maritalStatus: 'divorced', spousePin: null });

      const again = await api.call('POST', `/v1/marriages/${marriageId}/divorce`, {
        body: { date: '2025-04-01', courtDecision: 'BA-13/2025' },
      });
      expect(again.status).toBe(422);
      expect(again.body.error.code).toBe('MARRIAGE_NOT_IN_FORCE');
    });

    it("is recorded by the office of either spouse's current residence, and refused to any other (403)", async () => {
      const [a, b] = [await person('male', '1990-01-12'), await person('female', '1992-02-12')];
      const { marriageId } = (await marry([a, b])).body;
      // The wife moves to 079: the offices of 001 (the husband's) and 079 (hers) may record it.
      const moved = await api.call('POST', `/v1/citizens/${b}/permanent-residence`, {
        token: api.token({ roles: ['officer'], office: '079' }),
        body: { address: { provinceCode: '079', communeCode: '26734', line: '5 Lê Lợi' }, effectiveDate: '2024-06-01' },
      });
      expect(moved.status).toBe(200);
      const divorce = (office: string, key: string) =>
        api.call('POST', `/v1/marriages/${marriageId}/divorce`, {
          token: api.token({ roles: ['officer'], office }),
          headers: { 'idempotency-key': key },
          body: { date: '2025-03-01', courtDecision: 'BA-14/2025' },
        });
      const before = await api.eventsWritten();
      const elsewhere = await divorce('048', `d-048-${a}`);
      expect([elsewhere.status, elsewhere.body.error.code]).toEqual([403, 'JURISDICTION_DENIED']);
      expect(await api.eventsWritten()).toBe(before);
      const byHerOffice = await divorce('079', `d-079-${a}`);
      expect(byHerOffice.status).toBe(200);
      expect((await api.call('GET', `/v1/marriages/${marriageId}`)).body.status).toBe('divorced');
    });

    it('answers 404 MARRIAGE_NOT_FOUND for an unknown marriage and 400 for a malformed id', async () => {
      const unknown = await api.call('GET', '/v1/marriages/00000000-0000-5000-8000-000000000000');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('MARRIAGE_NOT_FOUND');
      const divorce = await api.call('POST', '/v1/marriages/00000000-0000-5000-8000-000000000000/divorce', {
        body: { date: '2025-04-01', courtDecision: 'BA-1' },
      });
      expect(divorce.status).toBe(404);
      expect((await api.call('GET', '/v1/marriages/not-an-id')).status).toBe(400);
    });

    it("a spouse's death ends the marriage (survivor widowed); annulling the death restores it", async () => {
      const [a, b] = [await person('male', '1990-01-11'), await person('female', '1992-02-11')];
      const { marriageId } = (await marry([a, b])).body;
      const death = await api.call('POST', `/v1/citizens/${a}/death`, {
        body: { dateOfDeath: '2025-01-15', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'KT-9' },
      });
      expect(death.status).toBe(200);
      expect((await api.call('GET', `/v1/marriages/${marriageId}`)).body).toMatchObject({
        status: 'ended_by_death',
        endedOn: '2025-01-15',
      });
      expect(await record(b)).toMatchObject({ maritalStatus: 'widowed', spousePin: null });

      const annulment = await api.call('POST', `/v1/citizens/${a}/death/annulment`, {
        body: { reason: 'registered in error', legalBasis: 'Decision 3' },
      });
      expect(annulment.status).toBe(200);
      expect((await api.call('GET', `/v1/marriages/${marriageId}`)).body).toMatchObject({
        status: 'married',
        endedOn: null,
      });
      expect(await record(a)).toMatchObject({ status: 'alive', maritalStatus: 'married', spousePin: b });
      expect(await record(b)).toMatchObject({ maritalStatus: 'married', spousePin: a });
    });
  });

  describe("a spouse's PIN re-established by a correction", () => {
    /** A married couple; then the husband's year of birth is corrected, which re-establishes his PIN. */
    async function coupleThenNewPin(day: string) {
      const [a, b] = [await person('male', `1990-01-${day}`), await person('female', `1992-02-${day}`)];
      const { marriageId } = (await marry([a, b])).body;
      const correction = await api.call('POST', `/v1/citizens/${a}/corrections`, {
        body: { field: 'dateOfBirth', value: `1989-01-${day}`, reason: 'wrong year', legalBasis: 'QĐ 12' },
      });
      expect(correction.status).toBe(200);
      const newPin: string = correction.body.pin;
      expect(newPin).not.toBe(a);
      return { oldPin: a, newPin, wife: b, marriageId };
    }

    it('carries the marriage to the new PIN; the spouse and the marriage point at it; a divorce reaches both', async () => {
      const { newPin, wife, marriageId } = await coupleThenNewPin('20');
      expect(await record(newPin)).toMatchObject({ maritalStatus: 'married', spousePin: wife });
      expect(await record(wife)).toMatchObject({ maritalStatus: 'married', spousePin: newPin });
      expect((await api.call('GET', `/v1/marriages/${marriageId}`)).body.spouses.sort()).toEqual([newPin, wife].sort());
      // Still married: neither may marry anyone else.
      const other = await person('female', '1993-03-20');
      expect((await marry([newPin, other])).body.error.code).toBe('ALREADY_MARRIED');

      const divorce = await api.call('POST', `/v1/marriages/${marriageId}/divorce`, {
        body: { date: '2025-03-01', courtDecision: 'BA-20/2025' },
      });
      expect(divorce.status).toBe(200);
      expect(Object.keys(divorce.body.revisions).sort()).toEqual([newPin, wife].sort());
      expect(await record(newPin)).toMatchObject({ maritalStatus: 'divorced', spousePin: null });
      expect(await record(wife)).toMatchObject({ maritalStatus: 'divorced', spousePin: null });
    });

    it("ends the marriage at the death of the spouse under the new PIN (survivor widowed), and restores it at the death's annulment", async () => {
      const { newPin, wife, marriageId } = await coupleThenNewPin('21');
      const death = await api.call('POST', `/v1/citizens/${newPin}/death`, {
        body: { dateOfDeath: '2025-01-15', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'KT-21' },
      });
      expect(death.status).toBe(200);
      expect((await api.call('GET', `/v1/marriages/${marriageId}`)).body).toMatchObject({ status: 'ended_by_death' });
      expect(await record(wife)).toMatchObject({ maritalStatus: 'widowed', spousePin: null });
      const annulment = await api.call('POST', `/v1/citizens/${newPin}/death/annulment`, {
        body: { reason: 'registered in error', legalBasis: 'Decision 21' },
      });
      expect(annulment.status).toBe(200);
      expect(await record(newPin)).toMatchObject({ status: 'alive', maritalStatus: 'married', spousePin: wife });
      expect(await record(wife)).toMatchObject({ maritalStatus: 'married', spousePin: newPin });
    });
  });

  describe('concurrency', () => {
    it('of 20 concurrent marriages of one person with 20 others, exactly one is recorded', async () => {
      const person0 = await person('female', '1991-03-03');
      const others = await Promise.all(
        Array.from({ length: 20 }, (_, i) => person('male', `1990-01-${String(i + 10).padStart(2, '0')}`)),
      );
      const answers = await Promise.all(others.map((other) => marry([person0, other])));
      const won = answers.filter((a) => a.status === 201);
      expect(won).toHaveLength(1);
      for (const lost of answers.filter((a) => a.status !== 201)) {
        expect(lost.status).toBe(422);
        expect(lost.body.error.code).toBe('ALREADY_MARRIED');
      }
      // On the stores: the person is married once, to the winner; every other is single again.
      const winner = others.find((pin) => pin in won[0].body.revisions)!;
      expect(marriedTo(await api.streamEvents(person0))).toEqual([winner]);
      for (const other of others) {
        expect(marriedTo(await api.streamEvents(other))).toEqual(other === winner ? [person0] : []);
      }
      expect(await record(person0)).toMatchObject({ maritalStatus: 'married', spousePin: winner });
    });
  });
}

/** Spouses a stream holds a marriage with, registrations less withdrawals (folded from the events). */
function marriedTo(events: readonly { type: string; data: Record<string, unknown> }[]): string[] {
  const spouses: string[] = [];
  for (const event of events) {
    const spouse = String(event.data.spousePin);
    if (event.type === 'MarriageRegistered') spouses.push(spouse);
    if (event.type === 'MarriageWithdrawn') spouses.splice(spouses.indexOf(spouse), 1);
  }
  return spouses;
}
