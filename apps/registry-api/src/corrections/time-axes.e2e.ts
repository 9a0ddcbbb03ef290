import { ApiHarness, type StoreName } from '../test-support/api-harness';

/**
 * Issue 14, one scenario per defect, on each event store (time-axes.e2e.spec.ts and
 * time-axes.kurrentdb.e2e.spec.ts). No test waits for time to pass: instants come from the
 * timeline's `recordedAt`, and conditions on the read models are polled.
 */
export function timeAxesSuite(store: StoreName): void {
  let api: ApiHarness;
  let historian: string;
  beforeAll(async () => {
    // A database of its own: population counts are then exact.
    api = await ApiHarness.start(store, { ownDatabase: true });
    historian = api.token({ roles: ['historian'] });
  });
  afterAll(() => api.stop());

  const home = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
  const name = (givenName: string) => ({ familyName: 'Nguyễn', middleName: 'Văn', givenName });

  async function born(child: Record<string, unknown> = {}): Promise<string> {
    return api.registerCitizen({ dateOfBirth: '1990-04-01', ...child });
  }

  async function write(path: string, body: unknown, token?: string) {
    const answer = await api.call('POST', path, { body, token });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  function asOf(pin: string, validAt: string, knownAt?: string) {
    const query = new URLSearchParams({ validAt, ...(knownAt ? { knownAt } : {}) });
    return api.call('GET', `/v1/citizens/${pin}?${query}`, { token: historian });
  }

  async function timeline(pin: string): Promise<Array<{ type: string; pin: string; recordedAt: string }>> {
    const answer = await api.call('GET', `/v1/citizens/${pin}/timeline`, { token: historian });
    expect(answer.status).toBe(200);
    return answer.body.events;
  }

  const instant = (iso: string, deltaMs = 0) => new Date(Date.parse(iso) + deltaMs).toISOString();

  async function population(provinceCode: string, date: string, knownAt?: string): Promise<number> {
    const query = new URLSearchParams({ provinceCode, date, ...(knownAt ? { knownAt } : {}) });
    const answer = await api.call('GET', `/v1/statistics/population?${query}`, { token: historian });
    expect(answer.status).toBe(200);
    return answer.body.population;
  }

  async function residents(code: string, date: string, knownAt?: string): Promise<string[]> {
    const query = new URLSearchParams({ date, ...(knownAt ? { knownAt } : {}) });
    const answer = await api.call('GET', `/v1/provinces/${code}/residents?${query}`, { token: historian });
    expect(answer.status).toBe(200);
    return answer.body.items.map((item: { pin: string }) => item.pin);
  }

  /** Asks until the answer satisfies `holds` (the projector works in the background). */
  async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (holds(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The current record once the read models hold every event of the citizen's stream (read as a historian). */
  async function projected(pin: string) {
    const answer = await api.projected(pin, (await api.streamEvents(pin)).length - 1);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  describe('valid time: names', () => {
    it('a name change backdated before an earlier-recorded change holds only until that change', async () => {
      const pin = await born();
      await write(`/v1/citizens/${pin}/name-changes`, { name: name('Bình'), effectiveDate: '2020-01-01', reason: 'r' });
      await write(`/v1/citizens/${pin}/name-changes`, {
        name: name('Cường'),
        effectiveDate: '2010-01-01',
        reason: 'r',
      });
      expect((await projected(pin)).name.givenName).toBe('Bình');
      expect((await asOf(pin, '2015-06-01')).body.name.givenName).toBe('Cường');
      expect((await asOf(pin, '2021-06-01')).body.name.givenName).toBe('Bình');
      expect((await asOf(pin, '2005-06-01')).body.name.givenName).toBe('An');
    });

    it('a correction of the birth name after a change leaves the current name and corrects the period before it', async () => {
      const pin = await born();
      await write(`/v1/citizens/${pin}/name-changes`, { name: name('Bình'), effectiveDate: '2020-01-01', reason: 'r' });
      await write(`/v1/citizens/${pin}/corrections`, {
        field: 'name',
        value: name('Ân'),
        reason: 'Misspelt at birth',
        legalBasis: 'Decision 7/QĐ',
      });
      expect((await projected(pin)).name.givenName).toBe('Bình');
      expect((await asOf(pin, '2019-12-31')).body.name.givenName).toBe('Ân');
      expect((await asOf(pin, '2020-01-01')).body.name.givenName).toBe('Bình');
      const corrected = (await timeline(pin)).find((e) => e.type === 'RecordCorrected')!;
      expect((await asOf(pin, '2019-12-31', instant(corrected.recordedAt, -1))).body.name.givenName).toBe('An');
    });
  });

  describe('valid time: a correction naming a name change (corrects)', () => {
    /** A name change with a misspelt name; answers the change's event id from the timeline. */
    async function misspeltChange(pin: string, givenName: string): Promise<string> {
      await write(`/v1/citizens/${pin}/name-changes`, {
        name: name(givenName),
        effectiveDate: '2020-01-01',
        reason: 'r',
      });
      const change = (await timeline(pin)).find((e) => e.type === 'NameChanged') as unknown as { eventId: string };
      return change.eventId;
    }

    const nameCorrected = (pin: string, givenName: string, corrects: string) =>
      write(`/v1/citizens/${pin}/corrections`, {
        ...{ field: 'name', value: name(givenName), reason: 'Misspelt in the name change' },
        ...{ legalBasis: 'Decision 8/QĐ', corrects },
      });

    it("corrects a misspelt new name for that change's period: before it the birth name holds", async () => {
      const pin = await born();
      const change = await misspeltChange(pin, 'Bìhn');
      await nameCorrected(pin, 'Bình', change);
      expect((await projected(pin)).name.givenName).toBe('Bình');
      expect((await asOf(pin, '2021-06-01')).body.name.givenName).toBe('Bình');
      expect((await asOf(pin, '2019-12-31')).body.name.givenName).toBe('An');
      const events = await timeline(pin);
      const correction = events.find((e) => e.type === 'RecordCorrected') as unknown as {
        recordedAt: string;
        data: { correctedEventId: string };
      };
      expect(correction.data.correctedEventId).toBe(change);
      expect((await asOf(pin, '2021-06-01', instant(correction.recordedAt, -1))).body.name.givenName).toBe('Bìhn');
    });

    it('names a change recorded under the PIN before it was re-established', async () => {
      const oldPin = await born({ sex: 'male' });
      const change = await misspeltChange(oldPin, 'Dnug');
      const { pin: newPin } = await write(`/v1/citizens/${oldPin}/corrections`, {
        field: 'sex',
        value: 'female',
        reason: 'Clerical error',
        legalBasis: 'Decision 14/QĐ',
      });
      expect(newPin).not.toBe(oldPin);
      await nameCorrected(newPin, 'Dung', change);
      expect((await projected(newPin)).name.givenName).toBe('Dung');
      expect((await asOf(newPin, '2021-06-01')).body.name.givenName).toBe('Dung');
      expect((await asOf(newPin, '2019-06-01')).body.name.givenName).toBe('An');
    });

    it('answers 422 for an id that is no event of the record, or no fact of the field, and 400 for a non-UUID', async () => {
      const pin = await born();
      const birth = (await timeline(pin)).find((e) => e.type === 'BirthRegistered') as unknown as { eventId: string };
      const correction = (corrects: string, field = 'name', value: unknown = name('Ân')) =>
        api.call('POST', `/v1/citizens/${pin}/corrections`, {
          body: { field, value, reason: 'r', legalBasis: 'l', corrects },
        });
      const unknown = await correction('44444444-4444-4444-8444-444444444444');
      expect(unknown.status).toBe(422);
      expect(unknown.body.error.code).toBe('CORRECTED_EVENT_NOT_FOUND');
      const notAName = await correction(birth.eventId);
      expect(notAName.status).toBe(422);
      expect(notAName.body.error.code).toBe('CORRECTED_EVENT_NOT_OF_FIELD');
      const malformed = await correction('not-a-uuid');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
      expect((await timeline(pin)).filter((e) => e.type === 'RecordCorrected')).toEqual([]);
    });
  });

  describe('valid time: a date of birth corrected to a later date', () => {
    it('clips the residence to begin at birth: population and residents do not count the unborn', async () => {
      const pin = await born({ dateOfBirth: '1990-04-01' });
      await write(`/v1/citizens/${pin}/permanent-residence`, { address: home, effectiveDate: '1990-04-01' });
      await projected(pin);
      expect(
        await eventually(
          () => population('001', '1990-04-05'),
          (n) => n === 1,
        ),
      ).toBe(1);
      await write(`/v1/citizens/${pin}/corrections`, {
        field: 'dateOfBirth',
        value: '1990-04-11',
        reason: 'Clerical error',
        legalBasis: 'Decision 12/QĐ',
      });
      expect((await projected(pin)).permanentResidence.since).toBe('1990-04-11');
      expect(
        await eventually(
          () => population('001', '1990-04-05'),
          (n) => n === 0,
        ),
      ).toBe(0);
      expect(await residents('001', '1990-04-05')).toEqual([]);
      // A census at 0:00 of the birth day does not count the child yet; the next day it does.
      expect(await population('001', '1990-04-11')).toBe(0);
      expect(await population('001', '1990-04-12')).toBe(1);
      expect(await residents('001', '1990-04-12')).toEqual([pin]);
      // As known before the correction, the person lived there on the 5th.
      const corrected = (await timeline(pin)).find((e) => e.type === 'RecordCorrected')!;
      const before = instant(corrected.recordedAt, -1);
      expect(await population('001', '1990-04-05', before)).toBe(1);
      expect(await residents('001', '1990-04-05', before)).toEqual([pin]);
      expect((await asOf(pin, '1990-04-05', before)).body.permanentResidence.since).toBe('1990-04-01');
      expect((await asOf(pin, '1990-04-05')).status).toBe(404);
    });
  });

  describe('transaction time: a correction that re-establishes the PIN', () => {
    it('answers 301 for the old PIN at once, and no instant sees the person twice or not at all', async () => {
      const oldPin = await born({ sex: 'male', dateOfBirth: '1990-04-01' });
      // Province 079 holds no one else in this suite: its population is this person alone.
      const officerOf079 = api.token({ roles: ['officer'], office: '079' });
      const saigon = { provinceCode: '079', communeCode: '26734', line: '5 Lê Lợi' };
      await write(
        `/v1/citizens/${oldPin}/permanent-residence`,
        { address: saigon, effectiveDate: '2000-01-01' },
        officerOf079,
      );
      const { pin: newPin } = await write(
        `/v1/citizens/${oldPin}/corrections`,
        { field: 'sex', value: 'female', reason: 'Clerical error', legalBasis: 'Decision 13/QĐ' },
        officerOf079,
      );
      expect(newPin).not.toBe(oldPin);
      // Right after the answer, whatever the projector has done.
      const moved = await api.call('GET', `/v1/citizens/${oldPin}`, { token: historian });
      expect(moved.status).toBe(301);
      expect(moved.headers.location).toBe(`/v1/citizens/${newPin}`);

      await projected(newPin);
      const chain = await timeline(newPin);
      const opened = chain.find((e) => e.type === 'CitizenContinued')!.recordedAt;
      const closed = chain.find((e) => e.type === 'PinReestablished')!.recordedAt;
      expect(opened <= closed).toBe(true);
      const beforeClose = instant(closed, -1) < opened ? opened : instant(closed, -1);
      expect(
        await eventually(
          () => residents('079', '2010-01-01'),
          (pins) => pins.includes(newPin),
        ),
      ).toEqual([newPin]);
      for (const knownAt of [opened, beforeClose, closed, instant(closed, 1)]) {
        const expectedPin = knownAt < closed ? oldPin : newPin;
        for (const asked of [oldPin, newPin]) {
          const record = await asOf(asked, '2010-01-01', knownAt);
          expect([knownAt, record.status, record.body.pin]).toEqual([knownAt, 200, expectedPin]);
          expect(record.body.sex).toBe(knownAt < closed ? 'male' : 'female');
        }
        expect([knownAt, await residents('079', '2010-01-01', knownAt)]).toEqual([knownAt, [expectedPin]]);
        expect([knownAt, await population('079', '2010-01-01', knownAt)]).toEqual([knownAt, 1]);
      }
    });
  });

  describe('transaction time: births and deaths', () => {
    it('knownAt reproduces an answer given before a late death registration', async () => {
      const pin = await born({ dateOfBirth: '1990-04-01' });
      await projected(pin);
      const ask = (knownAt?: string) =>
        api.call(
          'GET',
          `/v1/statistics/births-deaths?provinceCode=001&from=2024-01&to=2024-02${knownAt ? `&knownAt=${knownAt}` : ''}`,
          { token: historian },
        );
      const earlier = await ask();
      expect(earlier.status).toBe(200);
      const placeOfDeath = { provinceCode: '001', detail: 'Bệnh viện Bạch Mai' };
      await write(`/v1/citizens/${pin}/death`, { dateOfDeath: '2024-02-10', placeOfDeath, certificateNumber: 'KT-1' });
      const now = await eventually(
        () => ask(),
        (answer) => answer.body.months[1].deaths === earlier.body.months[1].deaths + 1,
      );
      expect(now.body.months[1].deaths).toBe(earlier.body.months[1].deaths + 1);
      expect((await ask(earlier.body.knownAt)).body).toEqual(earlier.body);
    });
  });

  describe('provinces merged in 2025', () => {
    it('the current record answers the successor in provinceCode and the recorded code beside it', async () => {
      const pin = await born();
      const haGiang = { provinceCode: '002', communeCode: '00688', line: '1 Quang Trung' };
      const officerOf008 = api.token({ roles: ['officer'], office: '008' });
      await write(
        `/v1/citizens/${pin}/permanent-residence`,
        { address: haGiang, effectiveDate: '2024-01-01' },
        officerOf008,
      );
      const record = await projected(pin);
      expect(record.permanentResidence).toEqual({
        address: { ...haGiang, provinceCode: '008', recordedProvinceCode: '002' },
        since: '2024-01-01',
      });
      expect((await asOf(pin, '2024-06-01')).body.permanentResidence.address).toEqual(haGiang);
      expect((await asOf(pin, '2025-07-01')).body.permanentResidence.address).toEqual({
        ...haGiang,
        provinceCode: '008',
        recordedProvinceCode: '002',
      });
    });
  });

  describe('recordedAt to the millisecond', () => {
    it('a knownAt between two writes less than a second apart sees the first and not the second', async () => {
      const pin = await born({ dateOfBirth: '1990-04-01' });
      await write(`/v1/citizens/${pin}/corrections`, {
        field: 'ethnicity',
        value: 'Tày',
        reason: 'Clerical error',
        legalBasis: 'Decision 14/QĐ',
      });
      const [birth, correction] = await timeline(pin);
      const apart = Date.parse(correction.recordedAt) - Date.parse(birth.recordedAt);
      expect(apart).toBeLessThan(1000);
      if (apart < 2) return; // the two writes shared a millisecond: no instant lies between them
      const between = instant(birth.recordedAt, Math.floor(apart / 2));
      expect((await asOf(pin, '2020-01-01', between)).body.ethnicity).toBe('Kinh');
      expect((await asOf(pin, '2020-01-01', correction.recordedAt)).body.ethnicity).toBe('Tày');
    });
  });
}
