import { LegacyEvents } from './legacy-event';
import { importedFromRow } from './legacy-row';
import { legacyFamilies } from './test-support/legacy-export';

const events = new LegacyEvents('export "2026".csv', '2026-11-30');

/** Every object's keys as jsonb orders them: shorter first, then by their bytes. */
function keysInJsonbOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(keysInJsonbOrder);
  const keys = Object.keys(value);
  const ordered = keys.every(
    (key, i) =>
      i === 0 ||
      keys[i - 1].length < key.length ||
      (keys[i - 1].length === key.length && Buffer.compare(Buffer.from(keys[i - 1]), Buffer.from(key)) < 0),
  );
  return ordered && Object.values(value).every(keysInJsonbOrder);
}

describe('LegacyEvents', () => {
  it('writes as JSON text exactly the event it builds as objects: same stream, same id, same data and metadata', () => {
    for (const [i, record] of [...legacyFamilies(12)].entries()) {
      const event = importedFromRow(record, '2026-11-30');
      const text = events.text(event, i + 1);
      const [object] = events.stream(event, i + 1).events;
      expect(text.streamId).toBe(events.stream(event, i + 1).streamId);
      expect(text.eventId).toBe(object.eventId);
      expect(text.type).toBe('CitizenImported');
      expect(JSON.parse(text.data)).toEqual(object.data);
      expect(JSON.parse(text.metadata)).toEqual(object.metadata);
      expect(keysInJsonbOrder(JSON.parse(text.data))).toBe(true);
      expect(keysInJsonbOrder(JSON.parse(text.metadata))).toBe(true);
    }
  });

  it('writes a residence, a death and blank optional facts in the same order', () => {
    const [record] = legacyFamilies(1);
    const changes = [
      { permanent_province: '', permanent_commune: '', permanent_line: '', permanent_since: '' },
      { status: 'deceased', date_of_death: '2020-01-01', middle_name: '', ethnicity: '' },
    ];
    for (const change of changes) {
      const event = importedFromRow({ ...record, ...change }, '2026-11-30');
      const text = events.text(event, 1);
      expect(JSON.parse(text.data)).toEqual(events.stream(event, 1).events[0].data);
      expect(keysInJsonbOrder(JSON.parse(text.data))).toBe(true);
    }
  });

  it('derives the id from the facts alone: another import date or row gives the same event id', () => {
    const [record] = legacyFamilies(1);
    const today = importedFromRow(record, '2026-11-30');
    const later = importedFromRow(record, '2027-01-02');
    expect(new LegacyEvents('other.csv', '2027-01-02').text(later, 99).eventId).toBe(events.text(today, 1).eventId);
    const changed = importedFromRow({ ...record, given_name: 'Khác' }, '2026-11-30');
    expect(events.text(changed, 1).eventId).not.toBe(events.text(today, 1).eventId);
  });
});
