import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Pool } from 'pg';
import { EVENT_STORE, EVENT_STORE_MIGRATIONS, PostgresEventStore, type EventStore } from '@registry/event-store';
import { errorBody, PG_POOL } from '@registry/platform';
import { ProjectorLag, READ_MODEL_MIGRATIONS } from '@registry/read-models';
import { API_MIGRATIONS } from '../api-migrations';
import { pendingMigrations } from './pending-migrations';

/** How far behind the projector may be (seconds its oldest unprojected event waited) for the API to take traffic. */
const MAX_PROJECTOR_LAG_SECONDS = Number(process.env.READY_MAX_PROJECTOR_LAG_SECONDS ?? '30');

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: unknown;
}

/**
 * Liveness (the process answers) apart from readiness (it can serve: database reachable,
 * migrations applied, read models not far behind). An orchestrator restarts on the first and
 * only routes traffic on the second.
 */
@ApiTags('operations')
@Controller('health')
export class ReadinessController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: ProjectorLag,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  live() {
    return { status: 'alive' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and every migration is applied' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  @ApiServiceUnavailableResponse({ description: 'Not ready: the failing checks' })
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const checks = await Promise.all([this.database(), this.migrations(), this.readModels()]);
    const failed = checks.filter((check) => !check.ok);
    if (failed.length === 0) return void reply.send({ status: 'ready', checks });
    await reply
      .status(503)
      .header('Retry-After', '5')
      .send(errorBody('SERVICE_UNAVAILABLE', `Not ready: ${failed.map((c) => c.name).join(', ')}`, failed));
  }

  private async database(): Promise<Check> {
    return this.pool.query('SELECT 1').then(
      () => ({ name: 'database', ok: true }),
      (error: Error) => ({ name: 'database', ok: false, detail: error.message }),
    );
  }

  private async migrations(): Promise<Check> {
    // The relay migrates its own tables where it runs (with Kafka); the API does not need them.
    const sets = [READ_MODEL_MIGRATIONS, API_MIGRATIONS];
    if (this.store instanceof PostgresEventStore) sets.push(EVENT_STORE_MIGRATIONS);
    try {
      const pending = (await Promise.all(sets.map((set) => pendingMigrations(this.pool, set)))).flat();
      return { name: 'migrations', ok: pending.length === 0, detail: pending.length ? { pending } : undefined };
    } catch (error) {
      return { name: 'migrations', ok: false, detail: (error as Error).message };
    }
  }

  private async readModels(): Promise<Check> {
    try {
      const lag = await this.projector.lag();
      return { name: 'projector', ok: lag.seconds <= MAX_PROJECTOR_LAG_SECONDS, detail: lag };
    } catch (error) {
      return { name: 'projector', ok: false, detail: (error as Error).message };
    }
  }
}
