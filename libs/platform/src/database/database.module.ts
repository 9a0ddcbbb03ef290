import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { REGISTRY_CONFIG, type RegistryConfig } from '../config/registry-config';

export const PG_POOL = Symbol('PG_POOL');

/** One pool per process for the registry's PostgreSQL (event store, read models, API state). */
@Global()
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [REGISTRY_CONFIG],
      useFactory: (config: RegistryConfig) =>
        new Pool({ connectionString: config.databaseUrl, max: config.databasePoolSize }),
    },
  ],
  exports: [PG_POOL],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
