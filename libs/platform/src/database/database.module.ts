import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { guardedPool } from '@registry/event-store';
import { REGISTRY_CONFIG, type RegistryConfig } from '../config/registry-config';

export const PG_POOL = Symbol('PG_POOL');
const logger = new Logger('Database');

/** One pool per process for the registry's PostgreSQL (event store, read models, API state). */
@Global()
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [REGISTRY_CONFIG],
      useFactory: (config: RegistryConfig) => {
        // A connection ended by the server (restart, failover) must never stop the process.
        return guardedPool({ connectionString: config.databaseUrl, max: config.databasePoolSize }, (message) =>
          logger.warn(message),
        );
      },
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
