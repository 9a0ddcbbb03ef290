/** A valid birth application; override what a test needs. */
export function birthApplication(overrides: Record<string, unknown> = {}, child: Record<string, unknown> = {}) {
  return {
    child: {
      familyName: 'Nguyễn',
      middleName: 'Văn',
      givenName: 'An',
      sex: 'male',
      dateOfBirth: '2024-03-05',
      placeOfBirth: { provinceCode: '001', detail: 'Bệnh viện Bạch Mai' },
      nationality: 'VN',
      ethnicity: 'Kinh',
      ...child,
    },
    registrationProvinceCode: '001',
    ...overrides,
  };
}
