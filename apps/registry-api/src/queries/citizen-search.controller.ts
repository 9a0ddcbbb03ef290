import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CitizenSearch, DEFAULT_PAGE_SIZE } from '@registry/read-models';
import { CitizenSearchQuery } from './query.dto';
import { CitizenPageAnswer } from '../http/answers.dto';
import { noteAnsweredPins } from '../http/access/read-access.hook';
import { CALLER_ERRORS, Operation, withErrors } from '../http/openapi';
import { asJson, invalidQuery, rejectInvalidCursor, unitsOfResidence } from './query-answers';

/**
 * `GET /v1/citizens?name=&dateOfBirth=&provinceCode=`: search, a page at a time. With a name,
 * in name order: names that start with the text, then names that contain it elsewhere; a page
 * may be short when the first part ends (its nextCursor leads on). Without a name, in PIN order.
 */
@ApiTags('citizens')
@ApiBearerAuth()
@Controller('v1/citizens')
export class CitizenSearchController {
  constructor(private readonly citizens: CitizenSearch) {}

  @Get()
  @ApiOkResponse({ type: CitizenPageAnswer })
  @Operation(
    'Search citizens by name (diacritics and case ignored), date of birth, province',
    withErrors(CALLER_ERRORS, { 400: ['VALIDATION_FAILED'], 422: ['UNKNOWN_ADMINISTRATIVE_UNIT'] }),
  )
  async search(@Query() query: CitizenSearchQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    if (query.name === undefined && query.dateOfBirth === undefined && query.provinceCode === undefined) {
      throw invalidQuery(
        'name',
        'give a name, a dateOfBirth or a provinceCode',
        'A search needs at least one criterion',
      );
    }
    const page = await this.citizens
      .search({
        name: query.name,
        dateOfBirth: query.dateOfBirth,
        provinceCodes: query.provinceCode === undefined ? undefined : unitsOfResidence(query.provinceCode, new Date()),
        cursor: query.cursor,
        limit: query.limit ?? DEFAULT_PAGE_SIZE,
      })
      .catch(rejectInvalidCursor);
    const items = page.citizens.map((citizen) => citizen.json).join(',');
    noteAnsweredPins(reply.request, [...new Set(page.citizens.map((citizen) => citizen.pin))]);
    return asJson(reply, `{"items":[${items}],"nextCursor":${JSON.stringify(page.nextCursor)}}`);
  }
}
