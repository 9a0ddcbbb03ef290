import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { pageOf, Residents } from '@registry/read-models';
import { ResidentsQuery } from './query.dto';
import { ResidentPageAnswer } from '../http/answers.dto';
import { CALLER_ERRORS, Operation, withErrors } from '../http/openapi';
import { invalidQuery, pageStart, today, unitsCountedUnder } from './query-answers';

const PROVINCE_CODE = /^\d{3}$/;

/** `GET /v1/provinces/{code}/residents`: permanent residents on a date, in PIN order. */
@ApiTags('provinces')
@ApiBearerAuth()
@Controller('v1/provinces/:code/residents')
export class ResidentsController {
  constructor(private readonly residents: Residents) {}

  @Get()
  @ApiOkResponse({ type: ResidentPageAnswer })
  @Operation(
    'Permanent residents of a province on a date (as known at an instant), in PIN order',
    withErrors(CALLER_ERRORS, { 400: ['VALIDATION_FAILED'], 422: ['UNKNOWN_ADMINISTRATIVE_UNIT'] }),
  )
  async list(@Param('code') code: string, @Query() query: ResidentsQuery) {
    if (!PROVINCE_CODE.test(code)) throw invalidQuery('code', 'must be 3 digits');
    const date = query.date ?? today();
    const { afterPin, limit } = pageStart(query);
    const knownAt = query.knownAt === undefined ? undefined : new Date(query.knownAt);
    const provinceCodes = unitsCountedUnder(code, date);
    const rows = await this.residents.list({ provinceCodes, date, knownAt, afterPin, limit });
    return pageOf(rows, limit, (row) => row.pin);
  }
}
