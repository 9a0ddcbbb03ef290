import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { IdempotencyGuard } from './idempotency';

/**
 * A controller of life events recorded on an existing citizen (`/v1/citizens/{pin}/...`):
 * Idempotency-Key and If-Match accepted (who may call them: ACCESS_POLICY).
 */
export function CitizenWritesController(): ClassDecorator {
  return applyDecorators(
    ApiTags('citizens'),
    ApiBearerAuth(),
    ApiHeader({ name: 'Idempotency-Key', required: false }),
    ApiHeader({ name: 'If-Match', required: false, description: 'Expected revision, e.g. "3"' }),
    Controller('v1/citizens/:pin'),
    UseGuards(IdempotencyGuard),
  );
}
