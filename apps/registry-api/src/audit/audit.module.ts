import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { locateMigrations, migrate } from '@registry/event-store';
import { PG_POOL } from '@registry/platform';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log.query';
import { AuditTrail } from './audit-trail';

/** The audit log owns its table and migrations: no read-model rebuild or other schema touches it. */
export const AUDIT_MIGRATIONS = {
  dir: locateMigrations(join(__dirname, 'migrations'), 'apps/registry-api/src/audit/migrations'),
  table: 'pgmigrations_audit',
};

/** The audit log of reads of personal data: its writer, and GET /v1/audit for supervisors. */
@Module({
  controllers: [AuditController],
  providers: [AuditTrail, AuditLog],
  exports: [AuditTrail],
})
export class AuditModule implements OnModuleInit {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onModuleInit(): Promise<void> {
    await migrate(this.pool, AUDIT_MIGRATIONS);
  }
}
