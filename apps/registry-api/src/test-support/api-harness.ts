import { randomBytes, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase, testDatabaseUrl } from '@registry/testing';
import { startKurrentDbTestServer, type KurrentDbTestServer } from '@registry/testing/kurrentdb-server';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@registry/event-store';
import type { Role } from '@registry/platform';
import { citizenStream } from '@registry/domain';
import { createRegistryApi } from '../bootstrap';
import { birthApplication } from './birth-application';

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | number | undefined>;
}

export type StoreName = 'postgresql' | 'kurrentdb';

export interface TokenClaims {
  roles: Role[];
  office?: string;
  agency?: string;
  sub?: string;
}

/**
 * The whole API on the real test database, called through Fastify's injection (no socket).
 * Each harness signs its tokens with a fresh subject, so tests can count their own events.
 */
export class ApiHarness {
  readonly sub = `officer-${randomUUID()}`;
  private readonly jwt: JwtService;
  readonly pool: Pool;

  private readonly store: EventStore;

  private constructor(
    readonly app: NestFastifyApplication,
    private readonly secret: string,
    readonly storeName: StoreName,
    private readonly databaseUrl: string,
    private readonly kurrentDb?: KurrentDbTestServer,
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 4 });
    this.pool.on('error', () => undefined); // idle connections ended when the suite drops its database
    this.jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256', expiresIn: '1h' } });
    this.store = app.get(EVENT_STORE);
  }

  /**
   * The API on the given event store: PostgreSQL, or KurrentDB through the real client and the
   * wire-level test server (or the real server named by KURRENTDB_CONNECTION_STRING).
   */
  static async start(storeName: StoreName = 'postgresql'): Promise<ApiHarness> {
    const secret = randomBytes(32).toString('hex');
    const kurrentDb =
      storeName === 'kurrentdb' && !process.env.KURRENTDB_CONNECTION_STRING
        ? await startKurrentDbTestServer()
        : undefined;
    const store =
      storeName === 'kurrentdb'
        ? {
            EVENT_STORE: 'kurrentdb',
            KURRENTDB_CONNECTION_STRING: kurrentDb?.connectionString ?? process.env.KURRENTDB_CONNECTION_STRING!,
          }
        : { EVENT_STORE: 'postgresql' };
    // Read-model checkpoints are positions of one store: a KurrentDB run gets a database of its own.
    const databaseUrl = storeName === 'kurrentdb' ? await ownDatabase() : testDatabaseUrl();
    // Suites send thousands of requests from one address: rate limits only where a test sets them.
    const limits = {
      RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE ?? '1000000',
      RATE_LIMIT_PER_MINUTE_PER_ADDRESS: process.env.RATE_LIMIT_PER_MINUTE_PER_ADDRESS ?? '1000000',
    };
    Object.assign(process.env, {
      DATABASE_URL: databaseUrl,
      REGISTRY_JWT_SECRET: secret,
      LOG_LEVEL: 'warn',
      ...store,
      ...limits,
    });
    const app = await createRegistryApi({ logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return new ApiHarness(app, secret, storeName, databaseUrl, kurrentDb);
  }

  token(claims: TokenClaims = { roles: ['officer'], office: '001' }): string {
    return this.jwt.sign({ sub: this.sub, ...claims });
  }

  /** A token with exactly these claims (no `exp` unless given), signed with the harness's secret. */
  rawToken(claims: Record<string, unknown>): string {
    return new JwtService({ secret: this.secret }).sign(claims);
  }

  async call(
    method: 'GET' | 'POST',
    url: string,
    options: { body?: unknown; rawBody?: string; token?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const token = options.token === undefined ? this.token() : options.token;
    const headers: Record<string, string> = {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...options.headers,
    };
    if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = 'application/json';
    const response = await this.app.inject({
      method,
      url,
      headers,
      payload: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = response.body;
    return { status: response.statusCode, headers: response.headers, body: text ? safeJson(text) : undefined };
  }

  /** Events caused by this harness's tokens, counted in the event store itself, not from HTTP answers. */
  async eventsWritten(): Promise<number> {
    if (this.storeName === 'postgresql') {
      const { rows } = await this.pool.query(
        "SELECT count(*)::int AS n FROM es_events WHERE metadata->'actor'->>'sub' = $1",
        [this.sub],
      );
      return rows[0].n;
    }
    return (await this.allEvents()).filter((e) => (e.metadata.actor as { sub?: string } | undefined)?.sub === this.sub)
      .length;
  }

  /** A citizen born 1990-04-01 in province 001 (override child fields as needed); resolves to the PIN. */
  async registerCitizen(child: Record<string, unknown> = {}): Promise<string> {
    const answer = await this.call('POST', '/v1/births', {
      body: birthApplication({}, { dateOfBirth: '1990-04-01', ...child }),
    });
    if (answer.status !== 201) throw new Error(`birth refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.pin;
  }

  /**
   * The citizen's record once the projector has reached `revision`: read-your-writes answers 503
   * after 2 s, and on a loaded machine the projector may need longer, so this asks until 30 s.
   */
  async projected(pin: string, revision: number): Promise<Answer> {
    const token = this.token({ roles: ['historian'], sub: 'projection-wait' } as TokenClaims);
    for (const deadline = Date.now() + 30_000; ;) {
      const answer = await this.call('GET', `/v1/citizens/${pin}?minRevision=${revision}`, { token });
      if (answer.status !== 503 || Date.now() > deadline) return answer;
    }
  }

  async streamTypes(pin: string): Promise<string[]> {
    return (await this.streamEvents(pin)).map((e) => e.type);
  }

  streamEvents(pin: string): Promise<RecordedEvent[]> {
    return this.store.readStream(citizenStream(pin));
  }

  private async allEvents(): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (;;) {
      const page = await this.store.readAll({ after: events.at(-1)?.position, maxCount: 1000 });
      events.push(...page);
      if (page.length < 1000) return events;
    }
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.pool.end();
    await this.kurrentDb?.stop();
    // Without FORCE: a connection still closing would otherwise die with an unhandled error.
    if (this.databaseUrl !== testDatabaseUrl()) await dropDatabase(this.databaseUrl);
  }
}

/**
 * The API a suite's tests call: started before them, stopped after. Suites run once per event
 * store, so they only name the store.
 */
export function apiForSuite(store: StoreName): ApiHarness {
  let started: ApiHarness | undefined;
  beforeAll(async () => {
    started = await ApiHarness.start(store);
  });
  afterAll(() => started?.stop());
  return new Proxy({} as ApiHarness, {
    get(_, property) {
      if (!started) throw new Error('the API is started in beforeAll: use it inside tests');
      const value: unknown = Reflect.get(started, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(started) : value;
    },
  });
}

async function ownDatabase(): Promise<string> {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/registry_test_kurrentdb_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url.toString(), true);
  return url.toString();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export { birthApplication } from './birth-application';
