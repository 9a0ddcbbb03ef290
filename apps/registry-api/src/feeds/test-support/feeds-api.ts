import { randomBytes, randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChangeFeedModule } from '@registry/change-feed';
import { registryValidationPipe } from '@registry/platform';
import { testDatabaseUrl } from '@registry/testing';
import { RegistryApiModule } from '../../registry-api.module';
import { FeedsModule } from '../feeds.module';

/** The registry API with the feeds and the embedded change-feed relay, as the wired app will be. */
@Module({ imports: [RegistryApiModule, FeedsModule, ChangeFeedModule] })
class RegistryApiWithFeedsModule {}

export interface Answer {
  status: number;
  body: any;
}

/** Like ApiHarness (Fastify injection on the test database), with this folder's modules. */
export class FeedsApi {
  readonly sub = `officer-${randomUUID()}`;

  private constructor(
    readonly app: NestFastifyApplication,
    private readonly jwt: JwtService,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<FeedsApi> {
    const secret = randomBytes(32).toString('hex');
    Object.assign(process.env, {
      DATABASE_URL: testDatabaseUrl(),
      REGISTRY_JWT_SECRET: secret,
      LOG_LEVEL: 'warn',
      ...env,
    });
    const app = await NestFactory.create<NestFastifyApplication>(RegistryApiWithFeedsModule, new FastifyAdapter(), {
      logger: ['error', 'warn'],
    });
    app.useGlobalPipes(registryValidationPipe());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return new FeedsApi(app, new JwtService({ secret, signOptions: { algorithm: 'HS256', expiresIn: '1h' } }));
  }

  officerToken(): string {
    return this.jwt.sign({ sub: this.sub, roles: ['officer'], office: '001' });
  }

  operatorToken(): string {
    return this.jwt.sign({ sub: `operator-${this.sub}`, roles: ['operator'] });
  }

  agencyToken(agency: string, roles = ['agency']): string {
    return this.jwt.sign({ sub: `agency-${agency}`, roles, agency });
  }

  async call(method: 'GET' | 'POST', url: string, token: string | null, body?: unknown): Promise<Answer> {
    const response = await this.app.inject({
      method,
      url,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
  }

  stop(): Promise<void> {
    return this.app.close();
  }
}
