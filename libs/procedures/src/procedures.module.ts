import { join } from 'node:path';
import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { EventSourcedHandler, RegistryAppModule } from '@registry/app';
import {
  AgencyEntitlements,
  AgencyFeedModule,
  CHANGE_FEED_CONFIG,
  createKafka,
  type ChangeFeedConfig,
} from '@registry/change-feed';
import { EVENT_STORE, locateMigrations, migrate, type EventStore, type MigrationSet } from '@registry/event-store';
import { PG_POOL } from '@registry/platform';
import { ProcedureRunner } from './runner/procedure-runner';

export const PROCEDURE_MIGRATIONS: MigrationSet = {
  dir: locateMigrations(join(__dirname, '..', 'migrations'), 'libs/procedures/migrations'),
  table: 'pgmigrations_procedures',
};

/** `PROCEDURES`: `on` (default) runs the procedure runner in this process; `off` leaves it to another. */
export function proceduresEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return (env.PROCEDURES ?? 'on') !== 'off';
}

/** Starts the procedure runner once the app is up (with Kafka when KAFKA_BROKERS is set); stops it first on shutdown. */
@Injectable()
export class LiveProcedureRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Procedures');
  private runner: ProcedureRunner | null = null;

  constructor(
    @Inject(CHANGE_FEED_CONFIG) private readonly config: ChangeFeedConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly handler: EventSourcedHandler,
    private readonly entitlements: AgencyEntitlements,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!proceduresEnabled()) {
      this.logger.log('PROCEDURES=off: another process runs the linked procedures');
      return;
    }
    await migrate(this.pool, PROCEDURE_MIGRATIONS);
    const { brokers } = this.config;
    if (!brokers) this.logger.warn('KAFKA_BROKERS is not set: steps that ask an agency wait for a person');
    this.runner = new ProcedureRunner(
      {
        store: this.store,
        pool: this.pool,
        handler: this.handler,
        kafka: brokers ? createKafka({ brokers, clientId: `${this.config.clientId}-procedures` }, this.logger) : null,
        entitlements: this.entitlements,
        logger: this.logger,
      },
      {
        runnerName: process.env.PROCEDURE_RUNNER_NAME ?? 'default',
        retryMs: 200,
        maxRetryMs: 30_000,
        maxStepFailures: 5,
      },
    );
    this.runner.start();
  }

  /** For health checks and operations: null when this process runs no procedures. */
  status() {
    return this.runner ? { leading: this.runner.leading, position: this.runner.position } : null;
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
  }
}

/** The linked procedures' runner; needs the platform's global EVENT_STORE and PG_POOL. */
@Module({
  imports: [RegistryAppModule, AgencyFeedModule],
  providers: [LiveProcedureRunner],
  exports: [LiveProcedureRunner],
})
export class ProceduresModule {}
