import { dayAfter, period, ResidenceLedger, type Fact } from './residence-ledger';

const hanoi = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
const saigon = { provinceCode: '079', communeCode: '26734', line: '5 Lê Lợi' };
const at = (revision: number, instant: string, type = 'PermanentResidenceRegistered'): Fact => ({
  pin: '001224000001',
  revision,
  recordedAt: new Date(instant),
  type,
});

describe('ResidenceLedger: residences in valid time and recorded time', () => {
  it('a new residence is valid from its date and believed from its recording on', () => {
    const ledger = new ResidenceLedger([]);
    ledger.register('permanent', at(1, '2024-03-05T10:00:00Z'), hanoi, period('2024-03-05', null));
    expect(ledger.changes()).toEqual({
      inserts: [
        expect.objectContaining({
          registeredBy: 1,
          assertedBy: 1,
          valid: { from: '2024-03-05', to: null },
          recordedTo: null,
        }),
      ],
      updates: [],
    });
  });

  it('a move closes the old belief and records the ended residence as a new version', () => {
    const ledger = new ResidenceLedger([]);
    ledger.register('permanent', at(1, '2024-03-05T10:00:00Z'), hanoi, period('2024-03-05', null));
    ledger.register('permanent', at(2, '2024-06-01T10:00:00Z'), saigon, period('2024-06-01', null));
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
    const ledger = new ResidenceLedger([]);
    ledger.register('permanent', at(1, '2024-03-05T10:00:00Z'), hanoi, period('2024-03-05', null));
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
      pin: '001224000001',
      kind: 'permanent' as const,
      registeredBy: 1,
      assertedBy: 3,
      address: hanoi,
      valid: { from: '2024-03-05', to: '2024-05-01' },
      recordedFrom: new Date('2024-05-01T00:00:00Z'),
      recordedTo: null,
      endedBy: 'PermanentResidenceCancelled',
    };
    const ledger = new ResidenceLedger([stored]);
    ledger.end('permanent', at(4, '2024-08-01T00:00:00Z', 'DeathRegistered'), dayAfter('2024-07-31'));
    expect(ledger.changes()).toEqual({ inserts: [], updates: [] });
  });

  it('an end before the start leaves a residence that never held', () => {
    const ledger = new ResidenceLedger([]);
    ledger.register('temporary', at(1, '2024-03-05T10:00:00Z'), saigon, period('2024-06-01', '2024-07-01'));
    ledger.end('temporary', at(2, '2024-03-06T10:00:00Z', 'TemporaryResidenceEnded'), '2024-05-01');
    expect(ledger.changes().inserts.map((v) => v.valid)).toEqual([{ from: '2024-06-01', to: '2024-07-01' }, 'empty']);
  });

  it('a retraction closes the belief without a new version', () => {
    const ledger = new ResidenceLedger([]);
    ledger.register('permanent', at(1, '2024-03-05T10:00:00Z'), hanoi, period('2024-03-05', null));
    ledger.retract('permanent', at(2, '2024-09-01T00:00:00Z', 'PinReestablished'));
    ledger.end('permanent', at(3, '2024-09-02T00:00:00Z', 'DeathRegistered'), '2024-09-02');
    expect(ledger.changes().inserts).toEqual([
      expect.objectContaining({
        recordedTo: new Date('2024-09-01T00:00:00Z'),
        valid: { from: '2024-03-05', to: null },
      }),
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
