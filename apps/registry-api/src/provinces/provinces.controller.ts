import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PROVINCES, communesOf, findProvince, isCivilDate, provinceValidOn } from '@registry/domain';
import { HttpProblem } from '@registry/platform';
import { invalidQuery, today } from '../queries/query-answers';
import { CALLER_ERRORS, Operation, withErrors } from '../http/openapi';
import { CommunesAnswer, ProvincesAnswer } from './provinces.dto';

const PROVINCE_CODE = /^\d{3}$/;

/**
 * Administrative units, answered from the same reference data the registry validates addresses
 * with (libs/registry-domain: provinces and communes with their validity).
 */
@ApiTags('provinces')
@ApiBearerAuth()
@Controller('v1/provinces')
export class ProvincesController {
  @Get()
  @Operation('The provinces with their validity and, for a merged one, its successor', CALLER_ERRORS)
  @ApiOkResponse({ type: ProvincesAnswer })
  list() {
    return {
      items: PROVINCES.map((p) => ({
        code: p.code,
        name: p.name,
        validFrom: p.validFrom,
        validTo: p.validTo,
        successorCode: p.successorCode,
      })),
    };
  }

  @Get(':code/communes')
  @Operation(
    'The communes of a province valid on a date',
    withErrors(CALLER_ERRORS, { 400: ['VALIDATION_FAILED'], 404: ['PROVINCE_NOT_FOUND'] }),
  )
  @ApiQuery({ name: 'date', required: false, description: 'YYYY-MM-DD; default today' })
  @ApiOkResponse({ type: CommunesAnswer })
  communes(@Param('code') code: string, @Query('date') date?: string) {
    const on = date ?? today();
    if (!PROVINCE_CODE.test(code)) throw invalidQuery('code', 'must be 3 digits');
    if (!isCivilDate(on)) throw invalidQuery('date', 'must be a date written YYYY-MM-DD');
    if (!findProvince(code)) {
      throw new HttpProblem(404, 'PROVINCE_NOT_FOUND', `No province ${code}`, [{ field: 'code', value: code }]);
    }
    const items = provinceValidOn(code, on)
      ? communesOf(code, on).map((c) => ({ code: c.code, name: c.name, validFrom: c.validFrom, validTo: c.validTo }))
      : [];
    return { provinceCode: code, date: on, items };
  }
}
