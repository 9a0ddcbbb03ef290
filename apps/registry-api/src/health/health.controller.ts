import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Pool } from 'pg';
import { RelayLag } from '@registry/change-feed';
import { PG_POOL } from '@registry/platform';
import { ProjectorLag } from '@registry/read-models';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly projector: ProjectorLag,
    private readonly relay: RelayLag,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and readiness: the database, and how far the read models lag' })
  check() {
    return this.health.check([() => this.database(), () => this.readModels(), () => this.changeFeed()]);
  }

  private async database(): Promise<HealthIndicatorResult> {
    await this.pool.query('SELECT 1');
    return { database: { status: 'up' } };
  }

  /** How far the read models are behind the event store (reported, not a failure). */
  private async readModels(): Promise<HealthIndicatorResult> {
    const lag = await this.projector.lag();
    return { projector: { status: 'up', lagEvents: lag.events, lagSeconds: lag.seconds } };
  }

  /** How far the Kafka feeds are behind the store, and whether a relay leads (reported, not a failure). */
  private async changeFeed(): Promise<HealthIndicatorResult> {
    const report = await this.relay.report();
    return {
      relay: {
        status: 'up',
        lagEvents: report.lag.events,
        lagSeconds: report.lag.seconds,
        position: report.position,
        leaderElected: report.leaderElected,
        relaysHere: report.local !== null,
      },
    };
  }
}
