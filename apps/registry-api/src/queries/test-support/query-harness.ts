import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from '@registry/platform';
import type { CitizenEvent } from '@registry/domain';
import { caughtUp } from '@registry/read-models/test-support/catch-up';
import { record } from '@registry/read-models/test-support/citizen-events';
import { ScratchDatabase } from '@registry/read-models/test-support/scratch-database';
import { createQueryApi } from './query-api';

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | number | undefined>;
}

/**
 * The query API with its projector, on a database of its own (whole-table expectations, a
 * projector from position 0), called through Fastify's injection.
 */
export class QueryHarness {
  private readonly jwt: JwtService;

  private constructor(
    readonly app: NestFastifyApplication,
    readonly db: ScratchDatabase,
    secret: string,
  ) {
    this.jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256', expiresIn: '1h' } });
  }

  static async start(purpose: string): Promise<QueryHarness> {
    const db = await ScratchDatabase.create(purpose);
    const secret = randomBytes(32).toString('hex');
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      REGISTRY_JWT_SECRET: secret,
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '8',
    });
    const app = await createQueryApi({ projector: true });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return new QueryHarness(app, db, secret);
  }

  token(roles: Role[] = ['officer'], office = '001'): string {
    return this.jwt.sign({ sub: 'query-e2e', roles, office });
  }

  /** Historians by default: they read every province (officers read their own: see access-policy.e2e.spec.ts). */
  async get(url: string, roles: Role[] | null = ['historian']): Promise<Answer> {
    const headers: Record<string, string> = roles ? { authorization: `Bearer ${this.token(roles)}` } : {};
    const response = await this.app.inject({ method: 'GET', url, headers });
    const text = response.body;
    return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  /** Appends to a citizen's stream and waits until the embedded projector has projected it. */
  async record(pin: string, ...events: Array<CitizenEvent | { type: string; data: Record<string, unknown> }>) {
    const result = await record(this.db.store, pin, ...events);
    await caughtUp(this.db.pool, result.position, 10_000);
    return result;
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.db.drop();
  }
}
