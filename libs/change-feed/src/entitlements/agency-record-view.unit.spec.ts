import { join } from 'node:path';
import fc from 'fast-check';
import { AgencyEntitlements, type AgencyEntitlement } from './agency-entitlements';
import { agencyRecordView } from './agency-record-view';

const ENTITLEMENTS = AgencyEntitlements.fromFile(
  join(__dirname, '..', '..', '..', '..', 'config', 'entitlements.json'),
);

/**
 * The record paths an entitlement opens, written out here independently of agencyRecordView:
 * each event field and the record fields it records.
 */
function allowedPaths(agency: AgencyEntitlement): string[] {
  const allowed = ['pin', 'revision'];
  const birth = ['name', 'sex', 'dateOfBirth', 'placeOfBirth', 'nationality', 'ethnicity', 'motherPin', 'fatherPin'];
  for (const path of agency.fieldPaths('BirthRegistered')) if (birth.includes(path.split('.')[0])) allowed.push(path);
  if (agency.fieldPaths('DeathRegistered').includes('dateOfDeath')) allowed.push('status', 'dateOfDeath');
  for (const path of agency.fieldPaths('PermanentResidenceRegistered')) {
    if (path.startsWith('address')) allowed.push(`permanentResidence.${path}`);
    if (path === 'effectiveDate') allowed.push('permanentResidence.since');
  }
  for (const path of agency.fieldPaths('TemporaryResidenceRegistered')) allowed.push(`temporaryResidence.${path}`);
  if (agency.fieldPaths('MarriageRegistered').includes('spousePin')) allowed.push('maritalStatus', 'spousePin');
  return allowed;
}

function leaves(value: unknown, prefix = ''): Array<[string, unknown]> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, inner]) => leaves(inner, prefix ? `${prefix}.${key}` : key));
}

function at(record: unknown, path: string): unknown {
  return path.split('.').reduce((node: any, key) => (node == null ? undefined : node[key]), record);
}

const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
const text = fc.string({ minLength: 1, maxLength: 12 });
const date = fc.constantFrom('1990-01-02', '2024-03-05', '2001-12-31');
const address = fc.record(
  { provinceCode: digits(3), communeCode: fc.option(digits(5)), line: text, recordedProvinceCode: digits(3) },
  { requiredKeys: ['provinceCode', 'communeCode', 'line'] },
);
const citizenRecord = fc.record({
  pin: digits(12),
  revision: fc.nat(50),
  name: fc.record({ familyName: text, middleName: fc.option(text), givenName: text }),
  sex: fc.constantFrom('male', 'female'),
  dateOfBirth: date,
  placeOfBirth: fc.record({ provinceCode: digits(3), detail: fc.option(text) }),
  nationality: fc.constantFrom('VN', 'LA'),
  ethnicity: fc.option(fc.constantFrom('Kinh', 'Tày', 'Hmông')),
  status: fc.constantFrom('alive', 'deceased'),
  dateOfDeath: fc.option(date),
  motherPin: fc.option(digits(12)),
  fatherPin: fc.option(digits(12)),
  permanentResidence: fc.option(fc.record({ address, since: date })),
  temporaryResidence: fc.option(fc.record({ address, from: date, until: date })),
  maritalStatus: fc.constantFrom('single', 'married', 'divorced', 'widowed'),
  spousePin: fc.option(digits(12)),
});

describe('agencyRecordView', () => {
  it('never answers a field outside the agency entitlement, over random records and every agency', () => {
    const agencies = ENTITLEMENTS.all();
    expect(agencies.length).toBeGreaterThan(1);
    fc.assert(
      fc.property(citizenRecord, fc.constantFrom(...agencies), (record, agency) => {
        const allowed = allowedPaths(agency);
        for (const [path, value] of leaves(agencyRecordView(agency, record))) {
          const entitled =
            allowed.some((a) => path === a || path.startsWith(`${a}.`)) ||
            (value === null && allowed.some((a) => a.startsWith(`${path}.`)));
          if (!entitled) throw new Error(`${agency.agencyId} got ${path}`);
          expect(value).toEqual(at(record, path)); // nothing made up either
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives each agency the entitled fields it has (VSS: name and birth date, never ethnicity or the street line for election)', () => {
    const record = fc.sample(citizenRecord, { numRuns: 1, seed: 7 })[0];
    const full = {
      ...record,
      ethnicity: 'Tày',
      permanentResidence: {
        address: { provinceCode: '001', communeCode: '00004', line: '1 Huế' },
        since: '2024-01-01',
      },
    };
    const vss = agencyRecordView(ENTITLEMENTS.get('vss')!, full);
    expect(vss).toMatchObject({ pin: record.pin, name: record.name, dateOfBirth: record.dateOfBirth });
    expect(vss).not.toHaveProperty('ethnicity');
    const election = agencyRecordView(ENTITLEMENTS.get('election')!, full);
    expect(election.permanentResidence).toEqual({
      address: { provinceCode: '001', communeCode: '00004' },
      since: '2024-01-01',
    });
  });
});
