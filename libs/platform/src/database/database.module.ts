import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
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
        const pool = new Pool({ connectionString: config.databaseUrl, max: config.databasePoolSize });
        // An idle connection ended by the server (restart, failover) is dropped by the pool;
        // without a listener, pg would raise it as an unhandled error and stop the process.
        pool.on('error', (error) => logger.warn(`idle database connection lost: ${error.message}`));
        return pool;
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
