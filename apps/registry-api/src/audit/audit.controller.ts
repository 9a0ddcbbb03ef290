import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CALLER_ERRORS, Operation, withErrors } from '../http/openapi';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { AuditLog } from './audit-log.query';

export class AuditQuery {
  @ApiProperty({ description: 'The citizen whose readers are listed' })
  @Matches(/^\d{12}$/, { message: 'pin must be 12 digits' })
  pin!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be a nextCursor given by this endpoint' })
  cursor?: string;
}

/** `GET /v1/audit?pin=`: who looked at this person, newest first (supervisors; see ACCESS_POLICY). */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly log: AuditLog) {}

  @Get()
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  @Operation(
    'Who read which citizen records (the audit log)',
    withErrors(CALLER_ERRORS, { 400: ['VALIDATION_FAILED'] }),
  )
  readers(@Query() query: AuditQuery) {
    return this.log.readsOf(query.pin, query.limit ?? 50, query.cursor);
  }
}
