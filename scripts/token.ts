/**
 * Mints a development token: `npm run token -- --role officer --office 001 [--sub alice]`.
 * Signed with REGISTRY_JWT_SECRET, or with the development secret the server uses when it is unset.
 */
import { JwtService } from '@nestjs/jwt';
import { parseArgs } from 'node:util';
import { ROLES, developmentJwtSecret, type Role } from '@registry/platform';
import { tokenClaims, TokenRequestError } from './token/token-claims';

const USAGE = `Mints a development JWT (HS256) for the local registry.

Usage: npm run -s token -- --role <role> [--role <role>...] [options]

  --role <role>     ${ROLES.join(', ')} (repeat, or separate with commas); default officer
  --office <code>   province code of the office (3 digits); required for officers
  --agency <id>     agency id (e.g. vss); required for agencies
  --sub <id>        subject (user id); default dev-user
  --expires <span>  lifetime, e.g. 30m, 8h; default 8h
  --help            this text

Signed with REGISTRY_JWT_SECRET, or with the development secret in .registry-dev-secret.
Example: TOKEN=$(npm run -s token -- --role officer --office 001)`;

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string', multiple: true, default: ['officer'] },
      office: { type: 'string' },
      agency: { type: 'string' },
      sub: { type: 'string', default: 'dev-user' },
      expires: { type: 'string', default: '8h' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const claims = tokenClaims({
    roles: values.role!.flatMap((r) => r.split(',')) as Role[],
    office: values.office,
    agency: values.agency,
    sub: values.sub!,
  });
  const secret = process.env.REGISTRY_JWT_SECRET ?? developmentJwtSecret();
  const jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256', expiresIn: values.expires as never } });
  process.stdout.write(`${jwt.sign(claims)}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  // A mistake on the command line is a sentence and the usage, never a stack trace.
  const known = error instanceof TokenRequestError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  if (!known) throw error;
  process.stderr.write(`token: ${(error as Error).message}\n\n${USAGE}\n`);
  process.exitCode = 2;
}
