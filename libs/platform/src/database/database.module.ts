import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { guardedPool, type ConnectionLossReport } from '@registry/event-store';
import { REGISTRY_CONFIG, type RegistryConfig } from '../config/registry-config';

export const PG_POOL = Symbol('PG_POOL');
const logger = new Logger('Database');

/**
 * The registry's pool: a connection ended by the server (restart, failover) never stops the
 * process (guardedPool), and idle connections stay open as long as DATABASE_IDLE_TIMEOUT_MS says.
 */
export function registryPool(config: RegistryConfig, report?: ConnectionLossReport): Pool {
  return guardedPool(
    {
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      idleTimeoutMillis: config.databaseIdleTimeoutMs,
    },
    report,
  );
}

/** One pool per process for the registry's PostgreSQL (event store, read models, API state). */
@Global()
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [REGISTRY_CONFIG],
      useFactory: (config: RegistryConfig) => registryPool(config, (message) => logger.warn(message)),
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
