import { join } from 'node:path';
import { AgencyEntitlements, EntitlementFileError } from './agency-entitlements';

const DEFAULT_FILE = join(__dirname, '..', '..', '..', '..', 'config', 'entitlements.json');

function problemsOf(json: unknown): string[] {
  try {
    AgencyEntitlements.parse(json);
  } catch (error) {
    if (error instanceof EntitlementFileError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('the default entitlement file', () => {
  const entitlements = AgencyEntitlements.fromFile(DEFAULT_FILE);

  it('gives vss births with PIN, name, sex, date of birth and parents, never ethnicity; deaths; permanent residence', () => {
    const vss = entitlements.get('vss')!;
    expect(vss.topic).toBe('registry.agency.vss.v1');
    expect(vss.fieldPaths('BirthRegistered')).toEqual(['name', 'sex', 'dateOfBirth', 'motherPin', 'fatherPin']);
    expect(vss.entitles('DeathRegistered')).toBe(true);
    expect(vss.entitles('PermanentResidenceRegistered')).toBe(true);
    expect(vss.entitles('PermanentResidenceCancelled')).toBe(true);
    expect(vss.entitles('TemporaryResidenceRegistered')).toBe(false);
  });

  it('ships other agencies with other entitlements', () => {
    expect(entitlements.all().map((agency) => agency.agencyId)).toEqual(['vss', 'tax', 'election']);
    expect(entitlements.get('tax')!.fieldPaths('BirthRegistered')).not.toContain('sex');
    expect(entitlements.get('election')!.fieldPaths('PermanentResidenceRegistered')).toEqual([
      'address.provinceCode',
      'address.communeCode',
      'effectiveDate',
    ]);
  });
});

describe('AgencyEntitlement.view', () => {
  const agency = AgencyEntitlements.parse({
    agencies: { a: { events: { BirthRegistered: ['name.givenName', 'motherPin'], DeathRegistered: ['*'] } } },
  }).get('a')!;

  it('keeps the entitled fields only, nulls included, never the PIN', () => {
    const data = {
      pin: '001224000001',
      name: { familyName: 'Lê', middleName: null, givenName: 'Bình' },
      motherPin: null,
      ethnicity: 'Kinh',
    };
    expect(agency.view('BirthRegistered', data)).toEqual({ name: { givenName: 'Bình' }, motherPin: null });
  });

  it('expands "*" to the fields of the contract', () => {
    expect(agency.fieldPaths('DeathRegistered')).toEqual(['dateOfDeath', 'placeOfDeath', 'certificateNumber']);
  });

  it('is null for a type the agency does not get', () => {
    expect(agency.view('TemporaryResidenceRegistered', {})).toBeNull();
  });
});

describe('AgencyEntitlements.parse refuses mistakes', () => {
  it('lists every problem: unknown keys, bad ids, unknown types and fields, empty lists', () => {
    const problems = problemsOf({
      agency: {},
      agencies: {
        'Bad.Id': { events: { BirthRegistered: ['name'] } },
        vss: {
          events: { BirthRegistred: ['name'], DeathRegistered: ['dateOfDeath', 'causeOfDeath'], BirthRegistered: [] },
        },
        tax: { events: { BirthRegistered: ['name.nickname', 'sex.code', '*'] }, topic: 'x' },
        none: { events: {} },
      },
    });
    expect(problems).toEqual([
      'agency: unknown key (allowed: $schema, description, agencies)',
      'agencies.Bad.Id: an agency id is 1-40 of a-z, 0-9 and inner dashes',
      expect.stringContaining('agencies.vss.events.BirthRegistred: unknown event type'),
      expect.stringContaining(
        'agencies.vss.events.DeathRegistered: "causeOfDeath": DeathRegistered has no field causeOfDeath',
      ),
      'agencies.vss.events.BirthRegistered must be a non-empty array of field paths, or ["*"]',
      'agencies.tax.topic: unknown key (allowed: description, events)',
      'agencies.tax.events.BirthRegistered: "*" (every field) stands alone',
      'agencies.none.events must list at least one event type',
    ]);
  });

  it('names the file in the error', () => {
    expect(() => AgencyEntitlements.fromFile('/nonexistent/entitlements.json')).toThrow(/entitlements.json/);
  });
});
