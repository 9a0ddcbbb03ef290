import type { CitizenEvent } from './citizen.events';
import { citizenDecider } from './citizen.decider';
import { citizenStream } from './citizen-stream';
import { evolveCitizen, foldCitizen, initialCitizenState } from './citizen.state';
import { PIN, address, born, died, place, residedPermanently, residedTemporarily } from './citizen.fixtures';

const home = address('001');
const lodging = address('048');

describe('citizen state', () => {
  it('is null before the first event, and stays null for events without a birth', () => {
    expect(initialCitizenState()).toBeNull();
    expect(foldCitizen([])).toBeNull();
    expect(evolveCitizen(null, died('2025-01-01'))).toBeNull();
  });

  it('after BirthRegistered: the person, alive, with no residence', () => {
    expect(foldCitizen([born()])).toEqual({
      pin: PIN,
      name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
      sex: 'male',
      dateOfBirth: '1990-01-15',
      placeOfBirth: place('001'),
      nationality: 'VN',
      ethnicity: 'Kinh',
      motherPin: null,
      fatherPin: null,
      status: 'alive',
      dateOfDeath: null,
      maritalStatus: 'single',
      spousePin: null,
      permanentResidence: null,
      temporaryResidence: null,
      reestablishedAs: null,
    });
  });

  it('after PermanentResidenceRegistered: the residence and since when', () => {
    const state = foldCitizen([
      born(),
      residedPermanently(home, '2010-06-01'),
      residedPermanently(lodging, '2020-02-01'),
    ]);
    expect(state?.permanentResidence).toEqual({ address: lodging, since: '2020-02-01' });
  });

  it('after PermanentResidenceCancelled: no permanent residence', () => {
    const cancelled: CitizenEvent = {
      type: 'PermanentResidenceCancelled',
      data: { pin: PIN, address: home, reason: 'moved_abroad', effectiveDate: '2025-01-10', note: null },
    };
    expect(foldCitizen([born(), residedPermanently(home, '2010-06-01'), cancelled])?.permanentResidence).toBeNull();
  });

  it('after TemporaryResidenceRegistered: the address and period', () => {
    const state = foldCitizen([born(), residedTemporarily(lodging, '2025-09-01', '2026-08-31')]);
    expect(state?.temporaryResidence).toMatchObject({ address: lodging, from: '2025-09-01', until: '2026-08-31' });
  });

  it('after TemporaryResidenceRegistered: exactly the address and period', () => {
    const state = foldCitizen([born(), residedTemporarily(lodging, '2025-09-01', '2026-08-31')]);
    expect(state?.temporaryResidence).toEqual({ address: lodging, from: '2025-09-01', until: '2026-08-31' });
  });

  it('after TemporaryResidenceEnded: no temporary residence', () => {
    const ended: CitizenEvent = {
      type: 'TemporaryResidenceEnded',
      data: { pin: PIN, address: lodging, endedOn: '2025-12-01', reason: 'replaced' },
    };
    expect(
      foldCitizen([born(), residedTemporarily(lodging, '2025-09-01', '2026-08-31'), ended])?.temporaryResidence,
    ).toBeNull();
  });

  it('after DeathRegistered: deceased on the date of death, residences untouched', () => {
    const state = foldCitizen([born(), residedPermanently(home, '2010-06-01'), died('2025-01-01')]);
    expect(state).toMatchObject({
      status: 'deceased',
      dateOfDeath: '2025-01-01',
      permanentResidence: { address: home, since: '2010-06-01' },
    });
  });

  it('is the decider of the stream citizen-<PIN>', () => {
    expect(citizenStream(PIN)).toBe('citizen-001090000001');
    expect(citizenDecider.evolve).toBe(evolveCitizen);
    expect(citizenDecider.initialState()).toBeNull();
  });
});
