import { join } from 'node:path';
import { decodeCitizenEvent, Sex } from '@registry/contracts';
import type { CitizenImported } from '@registry/domain';
import { AgencyEntitlements } from '../entitlements/agency-entitlements';
import { recorded } from '../test-support/citizen-lives';
import { CitizenEventEncoder } from './citizen-event-message';
import type { DroppedField } from './payload-contracts';

const imported: CitizenImported = {
  type: 'CitizenImported',
  data: {
    pin: '079085012345',
    name: { familyName: 'Trần', middleName: 'Thị', givenName: 'Mai' },
    sex: 'female',
    dateOfBirth: '1985-02-14',
    placeOfBirth: { provinceCode: '079', detail: null },
    nationality: 'VN',
    ethnicity: 'Kinh',
    motherPin: null,
    fatherPin: '079050000001',
    permanentResidence: {
      address: { provinceCode: '079', communeCode: '26734', line: '5 Lê Lợi' },
      since: '2010-06-01',
    },
    dateOfDeath: '2024-01-02',
    importedOn: '2026-11-30',
  },
};

describe('CitizenImported on the feeds', () => {
  it('maps every field to registry.v1.CitizenImported (nothing dropped)', () => {
    const dropped: DroppedField[] = [];
    const encoder = new CitizenEventEncoder((_type, field) => dropped.push(field));
    const decoded = decodeCitizenEvent(encoder.forRegistry(recorded(imported)));
    expect(dropped).toEqual([]);
    if (decoded.payload.case !== 'citizenImported') throw new Error('not an import');
    expect(decoded).toMatchObject({ pin: '079085012345', effectiveAt: '1985-02-14' });
    expect(decoded.payload.value).toMatchObject({
      name: { familyName: 'Trần', middleName: 'Thị', givenName: 'Mai' },
      sex: Sex.FEMALE,
      fatherPin: '079050000001',
      permanentResidence: { address: { communeCode: '26734', line: '5 Lê Lợi' }, since: '2010-06-01' },
      dateOfDeath: '2024-01-02',
      importedOn: '2026-11-30',
    });
    expect(decoded.payload.value.motherPin).toBeUndefined();
  });

  it('reaches each agency of the shipped entitlement file with only its fields', () => {
    const file = AgencyEntitlements.fromFile(join(__dirname, '..', '..', '..', '..', 'config', 'entitlements.json'));
    const election = decodeCitizenEvent(
      new CitizenEventEncoder().forAgency(file.get('election')!, recorded(imported))!,
    );
    if (election.payload.case !== 'citizenImported') throw new Error('not an import');
    expect(election.payload.value.permanentResidence?.address).toMatchObject({ provinceCode: '079', line: '' });
    expect(election.payload.value.sex).toBe(Sex.UNSPECIFIED);
    const vss = decodeCitizenEvent(new CitizenEventEncoder().forAgency(file.get('vss')!, recorded(imported))!);
    if (vss.payload.case !== 'citizenImported') throw new Error('not an import');
    expect(vss.payload.value.ethnicity).toBeUndefined();
    expect(vss.payload.value.dateOfDeath).toBe('2024-01-02');
  });
});
