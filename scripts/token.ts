/**
 * Mints a development token: `npm run token -- --role officer --office 001 [--sub alice] [--agency vss]`.
 * Signed with REGISTRY_JWT_SECRET, or with the development secret the server uses when it is unset.
 */
import { JwtService } from '@nestjs/jwt';
import { parseArgs } from 'node:util';
import { developmentJwtSecret } from '@registry/platform';

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true, default: ['officer'] },
    office: { type: 'string' },
    agency: { type: 'string' },
    sub: { type: 'string', default: 'dev-user' },
    expires: { type: 'string', default: '8h' },
  },
});

const secret = process.env.REGISTRY_JWT_SECRET ?? developmentJwtSecret();
const roles = values.role!.flatMap((r) => r.split(','));
const claims = {
  sub: values.sub,
  roles,
  ...(values.office ? { office: values.office } : {}),
  ...(values.agency ? { agency: values.agency } : {}),
};
const jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256', expiresIn: values.expires as never } });
process.stdout.write(`${jwt.sign(claims)}\n`);
