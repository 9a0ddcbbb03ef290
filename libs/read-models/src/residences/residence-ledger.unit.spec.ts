import { dayAfter, ResidenceLedger, type Fact } from './residence-ledger';

const PIN = '001224000001';
const hanoi = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
const saigon = { provinceCode: '079', communeCode: '26734', line: '5 Lê Lợi' };
const at = (revision: number, instant: string, type = 'PermanentResidenceRegistered', pin = PIN): Fact => ({
  pin,
  revision,
  recordedAt: new Date(instant),
  type,
});
const bornOn = (date: string) => new Map([[PIN, { born: date, died: null }]]);

describe('ResidenceLedger: residences in valid time and recorded time', () => {
  it('a new residence holds from its date; a census counts it from the day after birth', () => {
    const ledger = new ResidenceLedger([], bornOn('2024-03-05'));
    ledger.register('permanent', at(1, '2024-03-05T10:00:00Z'), hanoi, { from: '2024-03-05', to: null });
    expect(ledger.changes()).toEqual({
      inserts: [
        expect.objectContaining({
          registeredBy: 1,
          assertedBy: 1,
          held: { from: '2024-03-05', to: null },
          since: '2024-03-05',
          valid: { from: '2024-03-06', to: null },
          recordedTo: null,
        }),
      ],
      updates: [],
    });
  });

  it('a move closes the old belief and records the ended residence as a new version', () => {
    const ledger = new ResidenceLedger([], bornOn('2000-01-01'));
    ledger.register('permanent', at(1, '2024-03-05T10:00:00Z'), hanoi, { from: '2024-03-05', to: null });
    ledger.register('permanent', at(2, '2024-06-01T10:00:00Z'), saigon, { from: '2024-06-01', to: null });
    const { inserts } = ledger.changes();
    expect(
      inserts.map((v) => [v.registeredBy, v.assertedBy, v.valid, v.recordedTo?.toISOString() ?? null, v.endedBy]),
    ).toEqual([
      [1, 1, { from: '2024-03-05', to: null }, '2024-06-01T10:00:00.000Z', null],
      [1, 2, { from: '2024-03-05', to: '2024-06-01' }, null, 'PermanentResidenceRegistered'],
      [2, 2, { from: '2024-06-01', to: null }, null, null],
    ]);
  });

  it('changes within one transaction (same instant) rewrite the version nobody saw', () => {
    const ledger = new ResidenceLedger([], bornOn('2000-01-01'));
    ledger.register('permanent', at(1, '2024-03-05T10:00:00Z'), hanoi, { from: '2024-03-05', to: null });
    ledger.end('permanent', at(2, '2024-03-05T10:00:00Z', 'PermanentResidenceCancelled'), '2024-04-01');
    expect(ledger.changes().inserts).toEqual([
      expect.objectContaining({
        assertedBy: 1,
        valid: { from: '2024-03-05', to: '2024-04-01' },
        recordedTo: null,
        endedBy: 'PermanentResidenceCancelled',
      }),
    ]);
  });

  it('an end later than the one already recorded changes nothing', () => {
    const stored = {
      pin: PIN,
      kind: 'permanent' as const,
      registeredBy: 1,
      assertedBy: 3,
      address: hanoi,
      held: { from: '2024-03-05', to: '2024-05-01' },
      since: '2024-03-05',
      valid: { from: '2024-03-05', to: '2024-05-01' },
      recordedFrom: new Date('2024-05-01T00:00:00Z'),
      recordedTo: null,
      endedBy: 'PermanentResidenceCancelled',
    };
    const ledger = new ResidenceLedger([stored], bornOn('2000-01-01'));
    ledger.end('permanent', at(4, '2024-08-01T00:00:00Z', 'DeathRegistered'), dayAfter('2024-07-31'));
    expect(ledger.changes()).toEqual({ inserts: [], updates: [] });
  });

  it('an end before the start leaves a residence that never held', () => {
    const ledger = new ResidenceLedger([], bornOn('2000-01-01'));
    ledger.register('temporary', at(1, '2024-03-05T10:00:00Z'), saigon, { from: '2024-06-01', to: '2024-07-01' });
    ledger.end('temporary', at(2, '2024-03-06T10:00:00Z', 'TemporaryResidenceEnded'), '2024-05-01');
    expect(ledger.changes().inserts.map((v) => v.valid)).toEqual([{ from: '2024-06-01', to: '2024-07-01' }, 'empty']);
  });

  it('a later date of birth clips every residence to begin at birth; an earlier one gives the days back', () => {
    const ledger = new ResidenceLedger([], bornOn('2024-01-01'));
    ledger.register('permanent', at(1, '2024-01-02T10:00:00Z'), hanoi, { from: '2024-01-01', to: null });
    ledger.register('permanent', at(2, '2024-02-02T10:00:00Z'), saigon, { from: '2024-02-01', to: null });
    ledger.born(at(3, '2024-03-01T10:00:00Z', 'RecordCorrected'), '2024-03-10');
    const open = () =>
      ledger
        .changes()
        .inserts.filter((v) => v.recordedTo === null)
        .map((v) => [v.address.line, v.since, v.valid]);
    expect(open()).toEqual([
      ['12 Phố Huế', '2024-03-10', 'empty'],
      ['5 Lê Lợi', '2024-03-10', { from: '2024-03-11', to: null }],
    ]);
    ledger.born(at(4, '2024-04-01T10:00:00Z', 'RecordCorrected'), '2024-01-01');
    expect(open()).toEqual([
      ['12 Phố Huế', '2024-01-01', { from: '2024-01-02', to: '2024-02-01' }],
      ['5 Lê Lợi', '2024-02-01', { from: '2024-02-01', to: null }],
    ]);
  });

  it('a re-established PIN: every residence moves to the new PIN at the closing instant', () => {
    const births = new Map([
      [PIN, { born: '2000-01-01', died: null }],
      ['001300000009', { born: '2000-01-01', died: null }],
    ]);
    const ledger = new ResidenceLedger([], births);
    ledger.register('permanent', at(1, '2024-03-05T10:00:00Z'), hanoi, { from: '2024-03-05', to: null });
    ledger.register('permanent', at(2, '2024-06-01T10:00:00Z'), saigon, { from: '2024-06-01', to: null });
    ledger.carryOver(at(4, '2024-09-01T00:00:00Z', 'PinReestablished'), '001300000009');
    const byPin = (pin: string) =>
      ledger
        .changes()
        .inserts.filter((v) => v.pin === pin && v.recordedTo === null)
        .map((v) => [v.registeredBy, v.assertedBy, v.valid, v.recordedFrom.toISOString()]);
    expect(byPin(PIN)).toEqual([]);
    expect(byPin('001300000009')).toEqual([
      [-1, 0, { from: '2024-03-05', to: '2024-06-01' }, '2024-09-01T00:00:00.000Z'],
      [0, 0, { from: '2024-06-01', to: null }, '2024-09-01T00:00:00.000Z'],
    ]);
  });

  it('counts days across months and years', () => {
    expect([dayAfter('2024-02-28'), dayAfter('2024-02-29'), dayAfter('2024-12-31')]).toEqual([
      '2024-02-29',
      '2024-03-01',
      '2025-01-01',
    ]);
  });
});
