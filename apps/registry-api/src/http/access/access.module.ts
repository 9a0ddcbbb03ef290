import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AgencyFeedModule } from '@registry/change-feed';
import { ReadModelsModule } from '@registry/read-models';
import { AuditModule } from '../../audit/audit.module';
import { AccessGuard } from './access.guard';
import { ReadAccessHook } from './read-access.hook';

/** ACCESS_POLICY applied to every route: the global guard, and the read hook (scope, agency view, audit). */
@Module({
  imports: [AuditModule, ReadModelsModule, AgencyFeedModule],
  providers: [ReadAccessHook, { provide: APP_GUARD, useClass: AccessGuard }],
})
export class AccessModule {}
