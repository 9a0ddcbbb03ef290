import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log.query';
import { AuditTrail } from './audit-trail';

/** The audit log of reads of personal data: its writer, and GET /v1/audit for supervisors. */
@Module({
  controllers: [AuditController],
  providers: [AuditTrail, AuditLog],
  exports: [AuditTrail],
})
export class AuditModule {}
