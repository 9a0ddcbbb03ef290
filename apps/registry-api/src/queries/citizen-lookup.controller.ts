import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiMovedPermanentlyResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CitizenNotFound } from '@registry/app';
import { HttpProblem } from '@registry/platform';
import { CitizenRecords, type StoredCitizen } from '@registry/read-models';
import { PinPipe } from '../http/pin.pipe';
import { CitizenAnswer, ReestablishedPinAnswer } from '../http/answers.dto';
import { CALLER_ERRORS, Operation, withErrors } from '../http/openapi';
import { CitizenAsOfReader } from './citizen-as-of.reader';
import { LookupQueryPipe } from './lookup-query.pipe';
import type { CitizenLookupQuery } from './query.dto';
import { asJson } from './query-answers';

/** The validated query, typed so that the global validation pipe leaves it to LookupQueryPipe. */
type LookupQuery = Pick<CitizenLookupQuery, keyof CitizenLookupQuery>;

/** `GET /v1/citizens/{pin}`: one primary-key read of the current-record read model. */
@ApiTags('citizens')
@ApiBearerAuth()
@Controller('v1/citizens')
export class CitizenLookupController {
  constructor(
    private readonly records: CitizenRecords,
    private readonly asOf: CitizenAsOfReader,
  ) {}

  @Get(':pin')
  @ApiOkResponse({ type: CitizenAnswer, description: '`ETag` is the revision' })
  @ApiMovedPermanentlyResponse({ type: ReestablishedPinAnswer, description: 'The PIN was re-established' })
  @Operation(
    'Look up a citizen: the current record, or as of a date as known at an instant',
    withErrors(CALLER_ERRORS, {
      400: ['VALIDATION_FAILED'],
      404: ['CITIZEN_NOT_FOUND'],
      503: ['READ_MODEL_BEHIND', 'SERVICE_UNAVAILABLE'],
    }),
  )
  @ApiQuery({
    name: 'minRevision',
    required: false,
    type: Number,
    description: 'Read-your-writes: at least this revision (waits up to 2 s, then 503)',
  })
  @ApiQuery({
    name: 'validAt',
    required: false,
    description: 'Valid time: the record as it stood on this date (YYYY-MM-DD)',
  })
  @ApiQuery({
    name: 'knownAt',
    required: false,
    description: 'Transaction time: as the registry knew it at this instant',
  })
  async citizen(
    @Param('pin', PinPipe) pin: string,
    @Query(LookupQueryPipe) query: LookupQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (query.validAt !== undefined || query.knownAt !== undefined) return this.asOf.read(pin, query);
    const citizen = await this.current(pin, query.minRevision);
    if (citizen.reestablishedAs) {
      void reply.status(301).header('location', `/v1/citizens/${citizen.reestablishedAs}`);
      return { pin, reestablishedAs: citizen.reestablishedAs };
    }
    void reply.header('etag', `"${citizen.revision}"`);
    return asJson(reply, citizen.json!); // only a replaced PIN may have no record yet
  }

  private async current(pin: string, minRevision: number | undefined): Promise<StoredCitizen> {
    if (minRevision === undefined) {
      const citizen = await this.records.find(pin);
      if (!citizen) throw new CitizenNotFound(pin);
      return citizen;
    }
    const lookup = await this.records.findAtLeast(pin, minRevision);
    if (lookup.outcome === 'found') return lookup.citizen;
    throw new HttpProblem(
      503,
      'READ_MODEL_BEHIND',
      `Revision ${minRevision} of citizen ${pin} is not readable yet; retry shortly`,
      [{ pin, minRevision, revision: lookup.revision }],
      { 'retry-after': '1' },
    );
  }
}
