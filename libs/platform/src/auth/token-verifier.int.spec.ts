import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { readRegistryConfig, type RegistryConfig } from '../config/registry-config';
import { TokenVerifier } from './token-verifier';

/** Production token verification against a local JWKS server, whose key is rotated mid-test. */
describe('TokenVerifier in production mode', () => {
  let server: Server;
  let served: JWK[] = [];
  let fetches = 0;
  let jwksUrl: string;

  beforeAll(async () => {
    server = createServer((_, response) => {
      fetches++;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: served }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const env = (extra: Record<string, string>) =>
    readRegistryConfig({
      REGISTRY_JWT_ISSUER: 'https://id.registry.test',
      REGISTRY_JWT_AUDIENCE: 'population-registry',
      REGISTRY_JWKS_COOLDOWN_MS: '1',
      ...extra,
    } as Record<string, string>) as RegistryConfig;

  async function keyPair(alg: 'RS256' | 'ES256', kid: string) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    return { privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
  }

  function token(key: CryptoKey, alg: string, kid: string, claims: Record<string, unknown> = {}, lifetime = '1h') {
    return new SignJWT({ roles: ['officer'], office: '001', ...claims })
      .setProtectedHeader({ alg, kid })
      .setSubject('officer-7')
      .setIssuer('https://id.registry.test')
      .setAudience('population-registry')
      .setIssuedAt()
      .setExpirationTime(lifetime)
      .sign(key);
  }

  it('takes a token admitted in-process (the warm-up, ADR 0115) with a JWKS, until it is forgotten or expires', async () => {
    served = [(await keyPair('RS256', 'key-0')).jwk];
    const verifier = new TokenVerifier(env({ REGISTRY_JWKS_URL: jwksUrl }));
    const principal = { sub: 'registry-warm-up', roles: ['historian' as const], office: null, agency: null };
    const admitted = verifier.admitInProcess(principal, 60_000);
    expect(await verifier.verify(admitted.token)).toEqual(principal);
    admitted.forget();
    await expect(verifier.verify(admitted.token)).rejects.toThrow();
    const expired = verifier.admitInProcess(principal, -1);
    await expect(verifier.verify(expired.token)).rejects.toThrow();
  });

  it('verifies RS256 and ES256 tokens with keys from the JWKS URL, and picks up a rotated key', async () => {
    const first = await keyPair('RS256', 'key-1');
    served = [first.jwk];
    const verifier = new TokenVerifier(env({ REGISTRY_JWKS_URL: jwksUrl }));
    const principal = await verifier.verify(await token(first.privateKey, 'RS256', 'key-1'));
    expect(principal).toEqual({ sub: 'officer-7', roles: ['officer'], office: '001', agency: null });

    // Rotation: the issuer publishes a new key and retires the old one.
    const second = await keyPair('ES256', 'key-2');
    served = [second.jwk];
    const before = fetches;
    expect((await verifier.verify(await token(second.privateKey, 'ES256', 'key-2'))).sub).toBe('officer-7');
    expect(fetches).toBeGreaterThan(before);
    await expect(verifier.verify(await token(first.privateKey, 'RS256', 'key-1'))).rejects.toThrow();
  });

  it('refuses a wrong issuer or audience, a missing exp, a lifetime over the maximum, and HS256', async () => {
    const key = await keyPair('RS256', 'key-3');
    served = [key.jwk];
    const verifier = new TokenVerifier(env({ REGISTRY_JWKS_URL: jwksUrl, REGISTRY_JWT_MAX_LIFETIME_SECONDS: '3600' }));
    const signed = (build: (jwt: SignJWT) => SignJWT) =>
      build(
        new SignJWT({ roles: ['officer'] }).setProtectedHeader({ alg: 'RS256', kid: 'key-3' }).setSubject('x'),
      ).sign(key.privateKey);
    const valid = (jwt: SignJWT) => jwt.setIssuer('https://id.registry.test').setAudience('population-registry');
    await expect(verifier.verify(await signed((j) => valid(j).setExpirationTime('10m')))).resolves.toBeDefined();
    await expect(
      verifier.verify(
        await signed((j) =>
          j.setIssuer('https://evil.test').setAudience('population-registry').setExpirationTime('10m'),
        ),
      ),
    ).rejects.toThrow(/iss/);
    await expect(
      verifier.verify(
        await signed((j) => j.setIssuer('https://id.registry.test').setAudience('other').setExpirationTime('10m')),
      ),
    ).rejects.toThrow(/aud/);
    await expect(verifier.verify(await signed((j) => valid(j)))).rejects.toThrow(/exp/);
    await expect(verifier.verify(await signed((j) => valid(j).setIssuedAt().setExpirationTime('2h')))).rejects.toThrow(
      /lifetime/,
    );
    const hs = await new SignJWT({ roles: ['officer'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('https://id.registry.test')
      .setAudience('population-registry')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('a'.repeat(32)));
    await expect(verifier.verify(hs)).rejects.toThrow();
  });

  it('verifies with a PEM public key instead of a JWKS URL', async () => {
    const key = await keyPair('ES256', 'pem');
    const verifier = new TokenVerifier(env({ REGISTRY_JWT_PUBLIC_KEY: await exportSPKI(key.publicKey) }));
    expect((await verifier.verify(await token(key.privateKey, 'ES256', 'pem'))).office).toBe('001');
  });

  it('will not start in production without keys, issuer and audience, nor accept HS256 there', () => {
    expect(() => readRegistryConfig({ NODE_ENV: 'production', REGISTRY_JWT_SECRET: 's' })).toThrow(/REGISTRY_JWKS_URL/);
    expect(() => readRegistryConfig({ REGISTRY_JWKS_URL: jwksUrl })).toThrow(/ISSUER/);
    expect(env({ REGISTRY_JWKS_URL: jwksUrl, REGISTRY_JWT_SECRET: 'ignored' }).jwt).toMatchObject({
      mode: 'production',
      secret: null,
    });
  });

  it('remembers a verified token (ADR 0030) but never past its expiry, nor once its key left the JWKS', async () => {
    const key = await keyPair('RS256', 'key-4');
    served = [key.jwk];
    const verifier = new TokenVerifier(env({ REGISTRY_JWKS_URL: jwksUrl, REGISTRY_JWT_CLOCK_SKEW_SECONDS: '0' }));
    const shortLived = await token(key.privateKey, 'RS256', 'key-4', {}, '20s');
    const first = await verifier.verify(shortLived);
    expect(await verifier.verify(shortLived)).toBe(first); // the same principal, no second signature check
    jest.useFakeTimers({ now: Date.now() + 21_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      await expect(verifier.verify(shortLived)).rejects.toThrow(/exp/);
    } finally {
      jest.useRealTimers();
    }
    const remembered = await token(key.privateKey, 'RS256', 'key-4');
    await verifier.verify(remembered);
    const next = await keyPair('ES256', 'key-5');
    served = [next.jwk];
    await verifier.verify(await token(next.privateKey, 'ES256', 'key-5')); // unknown kid: the JWKS is fetched again
    await expect(verifier.verify(remembered)).rejects.toThrow();
  });
});
