import type { BirthApplication } from '../births/register-birth.handler';

/** A birth registered in Hà Nội with no parents named and no residence; override the child's facts. */
export function birthApplication(child: Partial<BirthApplication['child']> = {}): BirthApplication {
  return {
    child: {
      name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
      sex: 'male',
      dateOfBirth: '2024-03-05',
      placeOfBirth: { provinceCode: '001', detail: null },
      nationality: 'VN',
      ethnicity: 'Kinh',
      ...child,
    },
    motherPin: null,
    fatherPin: null,
    registrationProvinceCode: '001',
    permanentResidence: null,
  };
}
