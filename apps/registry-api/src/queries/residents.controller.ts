import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { pageOf, Residents } from '@registry/read-models';
import { ResidentsQuery } from './query.dto';
import { invalidQuery, pageStart, today, unitsCountedUnder } from './query-answers';

const PROVINCE_CODE = /^\d{3}$/;

/** `GET /v1/provinces/{code}/residents`: permanent residents on a date, in PIN order. */
@ApiTags('provinces')
@ApiBearerAuth()
@Controller('v1/provinces/:code/residents')
export class ResidentsController {
  constructor(private readonly residents: Residents) {}

  @Get()
  async list(@Param('code') code: string, @Query() query: ResidentsQuery) {
    if (!PROVINCE_CODE.test(code)) throw invalidQuery('code', 'must be 3 digits');
    const date = query.date ?? today();
    const { afterPin, limit } = pageStart(query);
    const rows = await this.residents.list({ provinceCodes: unitsCountedUnder(code, date), date, afterPin, limit });
    return pageOf(rows, limit, (row) => row.pin);
  }
}
