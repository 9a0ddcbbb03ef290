import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AgencyFeedModule } from '@registry/change-feed';
import { ReadModelsModule } from '@registry/read-models';
import { AuditModule } from '../../audit/audit.module';
import { AccessGuard } from './access.guard';
import { ReadAccessInterceptor } from './read-access.interceptor';

/** ACCESS_POLICY applied to every route: the global guard, and the read interceptor (scope, agency view, audit). */
@Module({
  imports: [AuditModule, ReadModelsModule, AgencyFeedModule],
  providers: [
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_INTERCEPTOR, useClass: ReadAccessInterceptor },
  ],
})
export class AccessModule {}
