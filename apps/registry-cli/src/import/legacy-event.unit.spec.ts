import { hash } from 'node:crypto';
import fc from 'fast-check';
import type { CitizenImported } from '@registry/domain';
import { encodedStreams } from './legacy-batch';
import { legacyTexts, LegacyEvents } from './legacy-event';
import type { LegacyBatch } from './legacy-file';
import { importedFromRow } from './legacy-row';
import { LEGACY_COLUMNS } from './legacy-columns';
import { legacyFamilies } from './test-support/legacy-export';

const events = new LegacyEvents('export "2026".csv');

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
    expect(new LegacyEvents('other.csv').text(later, 99).eventId).toBe(events.text(today, 1).eventId);
    const changed = importedFromRow({ ...record, given_name: 'Khác' }, '2026-11-30');
    expect(events.text(changed, 1).eventId).not.toBe(events.text(today, 1).eventId);
  });
});

describe('legacyTexts', () => {
  /** The event id's source as every import before ADR 0095 took it: JSON.stringify of the record without importedOn. */
  function stringifiedFacts(data: CitizenImported['data']): string {
    const { importedOn: _importedOn, ...facts } = data;
    return JSON.stringify(facts);
  }

  const text = fc.string({ unit: fc.constantFrom('a', 'Lê', ' ', '"', '\\', 'ợ', '\u2028', '😀', '1', '\ud800') });

  it('writes the facts exactly as JSON.stringify wrote the record, whatever the text', () => {
    const [record] = legacyFamilies(1);
    fc.assert(
      fc.property(text, text, text, text, fc.boolean(), fc.boolean(), (family, given, line, ethnicity, moved, dead) => {
        const base = importedFromRow(record, '2026-11-30').data;
        const residence = base.permanentResidence!;
        const data: CitizenImported['data'] = {
          ...base,
          name: { familyName: family, middleName: null, givenName: given },
          ethnicity: ethnicity || null,
          permanentResidence: moved ? null : { ...residence, address: { ...residence.address, line } },
          dateOfDeath: dead ? '2020-01-01' : null,
        };
        expect(legacyTexts(data).facts).toBe(stringifiedFacts(data));
        expect(JSON.parse(legacyTexts(data).data)).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodedStreams', () => {
  it('writes byte for byte the bulk the import wrote before ADR 0095 (same ids, same JSON, same order)', () => {
    // The digest of the es_streams and es_events COPY bytes that main at c905d0c wrote
    // for these rows (acceptedStreams, then encodeNewStreams).
    const header = [...LEGACY_COLUMNS].reverse();
    const rows = [...legacyFamilies(1000)];
    const line = (cells: string[]) =>
      cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',') + '\r\n';
    const batch: LegacyBatch = {
      header,
      firstRow: 1,
      count: rows.length,
      text: rows.map((row) => line(header.map((column) => row[column as keyof typeof row]))).join(''),
      bytesRead: 0,
    };
    const encoded = encodedStreams(batch, new Set([4, 500]), new LegacyEvents('export.csv'), '2026-11-30')!;
    expect(encoded.count).toBe(998);
    const digest = hash('sha256', Buffer.concat([encoded.streams, encoded.events]), 'hex');
    expect(digest).toBe('5d4f56a00c51e3d09188b8d8432d91adf85839e3922e91f5d09f3ed27a36ea3a');
  });
});
