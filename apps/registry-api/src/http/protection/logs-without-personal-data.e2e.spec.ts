import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { testDatabaseUrl } from '@registry/testing';
import { birthApplication } from '../../test-support/birth-application';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Distinct names made of letters only, so that a hit in the logs can only be the person's. */
function uniqueName(): string {
  const letters = 'bcdfghjklmnpqrstvwxz';
  return `Q${Array.from(randomBytes(7), (b) => letters[b % letters.length]).join('')}`;
}

/**
 * The whole registry process (`main.ts`) at log level debug, driven through writes, reads and
 * errors of many kinds: its output must not hold a single seeded PIN or name.
 */
describe('logs of an end-to-end run', () => {
  let server: ChildProcess;
  let output = '';
  let base: string;
  const secret = randomBytes(32).toString('hex');
  const jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256', expiresIn: '1h' } });
  const officer = jwt.sign({ sub: 'log-officer', roles: ['officer'], office: '001' });
  const historian = jwt.sign({ sub: 'log-historian', roles: ['historian'] });
  const agency = jwt.sign({ sub: 'log-agency', roles: ['agency'], agency: 'vss' });

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/registry-api/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: testDatabaseUrl(),
        REGISTRY_JWT_SECRET: secret,
        LOG_LEVEL: 'debug',
        KAFKA_BROKERS: '',
        // The rehearsal before listening (ADR 0115) logs at debug too; a short one.
        WARM_UP_REQUESTS: '500',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    for (;;) {
      const up = await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (server.exitCode !== null) throw new Error(`the registry exited:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100)); // polling the condition "listening"
    }
  }, 60_000);

  afterAll(async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  });

  const call = async (
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };

  /** Read-your-writes answers 503 after 2 s; on a loaded machine the projector may need longer. */
  async function readable(path: string, token: string, headers: Record<string, string> = {}): Promise<number> {
    for (const deadline = Date.now() + 30_000; ;) {
      const { status } = await call('GET', path, token, undefined, headers);
      if (status !== 503 || Date.now() > deadline) return status;
    }
  }

  it('holds no seeded PIN or name', async () => {
    const names: string[] = [];
    const pins: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [familyName, givenName] = [uniqueName(), uniqueName()];
      names.push(familyName, givenName);
      const born = await call('POST', '/v1/births', officer, birthApplication({}, { familyName, givenName }));
      expect(born.status).toBe(201);
      pins.push(born.body.pin);
    }
    const [first, second, third] = pins;
    const address = { provinceCode: '001', communeCode: '00004', line: `${uniqueName()} street` };
    names.push(address.line.split(' ')[0]);
    expect(
      (
        await call('POST', `/v1/citizens/${first}/permanent-residence`, officer, {
          address,
          effectiveDate: '2024-06-01',
        })
      ).status,
    ).toBe(200);
    const newName = uniqueName();
    names.push(newName);
    const rename = {
      name: { familyName: newName, givenName: newName },
      effectiveDate: '2024-07-01',
      reason: 'adoption',
    };
    expect((await call('POST', `/v1/citizens/${second}/name-changes`, officer, rename)).status).toBe(200);
    const death = { dateOfDeath: '2024-08-01', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'KT-9' };
    expect((await call('POST', `/v1/citizens/${third}/death`, officer, death)).status).toBe(200);
    // Errors: a rule broken, a PIN unknown, a body refused, jurisdiction and role refused.
    expect((await call('POST', `/v1/citizens/${third}/death`, officer, death)).status).toBe(422);
    expect((await call('GET', '/v1/citizens/001224999999', historian)).status).toBe(404);
    expect((await call('POST', '/v1/births', officer, { child: { familyName: names[0], givenName: 7 } })).status).toBe(
      400,
    );
    expect((await call('POST', '/v1/births', officer, `{"child": {"familyName": "${names[1]}"`)).status).toBe(400);
    const elsewhere = jwt.sign({ sub: 'log-officer-2', roles: ['officer'], office: '079' });
    expect((await call('POST', `/v1/citizens/${first}/death`, elsewhere, death)).status).toBe(403);
    // Reads of every kind.
    expect(await readable(`/v1/citizens/${first}?minRevision=1`, historian)).toBe(200);
    expect((await call('GET', `/v1/citizens/${first}`, elsewhere)).status).toBe(400);
    expect(await readable(`/v1/citizens/${second}?minRevision=1`, agency, { 'x-purpose': 'card' })).toBe(200);
    expect((await call('GET', `/v1/citizens?name=${encodeURIComponent(names[0])}`, historian)).status).toBe(200);
    expect(
      (await call('GET', `/v1/citizens/${first}/timeline`, historian, undefined, { accept: 'text/csv' })).status,
    ).toBe(200);
    expect((await call('GET', '/v1/provinces/001/residents', officer)).status).toBe(200);
    expect((await call('GET', `/v1/citizens/${first}?validAt=2024-06-02`, historian)).status).toBe(200);
    // Civil status: a marriage, a refused second one, a PIN re-established, a divorce.
    const adult = async (sex: string, dateOfBirth: string) => {
      const [familyName, givenName] = [uniqueName(), uniqueName()];
      names.push(familyName, givenName);
      const born = await call(
        'POST',
        '/v1/births',
        officer,
        birthApplication({}, { familyName, givenName, sex, dateOfBirth }),
      );
      pins.push(born.body.pin);
      return born.body.pin as string;
    };
    const [husband, wife, other] = [
      await adult('male', '1990-03-03'),
      await adult('female', '1992-03-03'),
      await adult('female', '1993-03-03'),
    ];
    const wedding = { date: '2024-05-20', registrationProvinceCode: '001' };
    const marriage = await call('POST', '/v1/marriages', officer, { spouses: [husband, wife], ...wedding });
    expect(marriage.status).toBe(201);
    expect((await call('POST', '/v1/marriages', officer, { spouses: [husband, other], ...wedding })).status).toBe(422);
    const correction = { field: 'dateOfBirth', value: '1989-03-03', reason: 'wrong year', legalBasis: 'QĐ 5' };
    const corrected = await call('POST', `/v1/citizens/${husband}/corrections`, officer, correction);
    expect(corrected.status).toBe(200);
    pins.push(corrected.body.pin);
    const divorce = { date: '2025-01-01', courtDecision: 'BA-5' };
    expect((await call('POST', `/v1/marriages/${marriage.body.marriageId}/divorce`, officer, divorce)).status).toBe(
      200,
    );
    expect((await call('GET', `/v1/marriages/${marriage.body.marriageId}`, historian)).status).toBe(200);

    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    expect(output).toMatch(/"path":"\/v1\/citizens\/001\*{9}/); // requests were logged, PINs masked
    expect(pins.filter((pin) => output.includes(pin))).toEqual([]);
    expect(names.filter((name) => output.includes(name))).toEqual([]);
  });
});
