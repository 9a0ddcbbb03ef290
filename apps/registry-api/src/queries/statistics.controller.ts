import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { findProvince, UnknownAdministrativeUnit } from '@registry/domain';
import { PopulationStatistics, VitalStatistics } from '@registry/read-models';
import { PopulationQuery, VitalEventsQuery } from './query.dto';
import { BirthsAndDeathsAnswer, PopulationAnswer } from '../http/answers.dto';
import { CALLER_ERRORS, Operation, withErrors } from '../http/openapi';

const STATISTICS_ERRORS = withErrors(CALLER_ERRORS, {
  400: ['VALIDATION_FAILED'],
  422: ['UNKNOWN_ADMINISTRATIVE_UNIT'],
});
import { invalidQuery, today, unitsCountedUnder } from './query-answers';

/** Longest range of months one request may ask for (fifty years). */
const MAX_MONTHS = 600;

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('v1/statistics')
export class StatisticsController {
  constructor(
    private readonly population: PopulationStatistics,
    private readonly vital: VitalStatistics,
  ) {}

  /** People alive with a permanent residence in the province on `date`, as known at `knownAt`. */
  @Get('population')
  @ApiOkResponse({ type: PopulationAnswer })
  @Operation('Population of a province on a date, as known at an instant', STATISTICS_ERRORS)
  async populationOn(@Query() query: PopulationQuery) {
    const date = query.date ?? today();
    const knownAt = query.knownAt === undefined ? new Date() : new Date(query.knownAt);
    const population = await this.population.population(unitsCountedUnder(query.provinceCode, date), date, knownAt);
    return { provinceCode: query.provinceCode, date, population };
  }

  /**
   * Births and deaths per month where they happened, `from` and `to` (YYYY-MM) included, as
   * known at `knownAt`: an earlier answer is reproduced whatever was registered late since.
   */
  @Get('births-deaths')
  @ApiOkResponse({ type: BirthsAndDeathsAnswer })
  @Operation('Births and deaths per month in a province, as known at an instant', STATISTICS_ERRORS)
  async birthsAndDeaths(@Query() query: VitalEventsQuery) {
    if (!findProvince(query.provinceCode)) throw new UnknownAdministrativeUnit(query.provinceCode, `${query.from}-01`);
    if (query.to < query.from) throw invalidQuery('to', 'must not be before from');
    const span =
      (Number(query.to.slice(0, 4)) - Number(query.from.slice(0, 4))) * 12 +
      Number(query.to.slice(5)) -
      Number(query.from.slice(5));
    if (span >= MAX_MONTHS) throw invalidQuery('to', `at most ${MAX_MONTHS} months in one request`);
    const knownAt = query.knownAt === undefined ? new Date() : new Date(query.knownAt);
    const months = await this.vital.months(query.provinceCode, query.from, query.to, knownAt);
    return { provinceCode: query.provinceCode, from: query.from, to: query.to, knownAt: knownAt.toISOString(), months };
  }
}
