import { JwtService } from '@nestjs/jwt';
import { PROVINCES } from '@registry/domain';
import { birthApplication } from '../../apps/registry-api/src/test-support/birth-application';
import type { RequestVariant } from '../shared/http-load';

/** Days before today a birth in the load may have happened (most births are registered within weeks). */
const DAYS_BEFORE_REGISTRATION = 60;

/**
 * Births as the country registers them: in every current province, by that province's officer
 * (a birth is registered in the office's province, API.md "Writes: jurisdiction"), boys and girls,
 * born over the last weeks. A PIN's first six digits are the province, sex and century, and year,
 * so births spread this way fill each prefix's million serials about as slowly as the nation does
 * (1.5 million births a year over 34 provinces and two sexes: about 2% of a prefix a year, Hà Nội's
 * about 7%). All births in one prefix, as this bench sent before, met a PIN already taken one time
 * in eight after a few runs, more than Hà Nội meets by the end of a year, and each cost a second append.
 */
export function birthsAcrossTheCountry(secret: string): () => RequestVariant {
  const jwt = new JwtService({ secret, signOptions: { expiresIn: '1h' } });
  const offices = PROVINCES.filter((p) => p.validTo === null).map((p) => ({
    province: p.code,
    authorization: `Bearer ${jwt.sign({ sub: `bench-officer-${p.code}`, roles: ['officer'], office: p.code })}`,
  }));
  const today = Date.now();
  return () => {
    const office = offices[Math.floor(Math.random() * offices.length)];
    const born = new Date(today - Math.floor(Math.random() * DAYS_BEFORE_REGISTRATION) * 86_400_000);
    const child = {
      sex: Math.random() < 0.5 ? 'male' : 'female',
      dateOfBirth: born.toISOString().slice(0, 10),
      placeOfBirth: { provinceCode: office.province, detail: 'Bệnh viện đa khoa tỉnh' },
    };
    return {
      body: JSON.stringify(birthApplication({ registrationProvinceCode: office.province }, child)),
      headers: { authorization: office.authorization },
    };
  };
}
