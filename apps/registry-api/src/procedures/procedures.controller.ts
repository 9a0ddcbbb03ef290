import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CALLER_ERRORS, Operation, withErrors } from '../http/openapi';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { EventSourcedHandler, loadCurrentCitizen } from '@registry/app';
import { ProcedureNotFound } from '@registry/domain';
import { EVENT_STORE, StreamNotFoundError, type EventStore } from '@registry/event-store';
import { CurrentPrincipal, PG_POOL, type Principal } from '@registry/platform';
import { DEFAULT_PAGE_SIZE, listProcedures } from '@registry/read-models';
import { procedureAnswer, procedureStreams, type ProcedureAnswer } from '@registry/procedures';
import { procedureStream } from '@registry/domain';
import { answerRevision, envelopeOf } from '../http/write-context';
import { provinceOfCitizen } from '../http/access/jurisdiction';
import { rejectInvalidCursor, today } from '../queries/query-answers';
import { ProcedureAnswerDto, ProcedureListAnswer, ProcedureListQuery } from './procedure.dto';

const PROCEDURE_ID = /^[0-9a-f-]{36}$/;

/** The linked procedures (API.md, Procedures): where each stands, the supervisors' list, and a retry. */
@ApiTags('procedures')
@ApiBearerAuth()
@Controller('v1/procedures')
export class ProceduresController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly streams: EventSourcedHandler,
  ) {}

  @Get()
  @Operation(
    'List procedures of a province: by status, overdue, newest first',
    withErrors(CALLER_ERRORS, { 400: ['VALIDATION_FAILED'], 403: ['JURISDICTION_DENIED'] }),
  )
  @ApiOkResponse({ type: ProcedureListAnswer })
  async list(@Query() query: ProcedureListQuery) {
    const filter = { ...query, today: today(), limit: query.limit ?? DEFAULT_PAGE_SIZE };
    return listProcedures(this.pool, filter).catch(rejectInvalidCursor);
  }

  /** Read from the procedure's own stream: never behind the runner. */
  @Get(':id')
  @Operation(
    'Where a linked procedure stands: status, deadline, each step',
    withErrors(CALLER_ERRORS, {
      400: ['VALIDATION_FAILED'],
      403: ['JURISDICTION_DENIED'],
      404: ['PROCEDURE_NOT_FOUND'],
    }),
  )
  @ApiOkResponse({ type: ProcedureAnswerDto })
  async get(@Param('id') id: string, @Req() request: FastifyRequest): Promise<ProcedureAnswer> {
    const answer = await this.read(id);
    request.access!.authorizeProvinces(await this.jurisdictionOf(answer));
    return answer;
  }

  /** Runs the failed step of a procedure that needs attention again. */
  @Post(':id/retry')
  @HttpCode(200)
  @Operation(
    'Run the failed step of a procedure that needs attention again',
    withErrors(CALLER_ERRORS, {
      400: ['VALIDATION_FAILED'],
      403: ['JURISDICTION_DENIED'],
      404: ['PROCEDURE_NOT_FOUND'],
      409: ['PROCEDURE_NOT_RETRYABLE'],
      503: ['WRITE_CONTENTION', 'SERVICE_UNAVAILABLE'],
    }),
  )
  @ApiBody({ required: false, description: 'No body', schema: { type: 'object', properties: {} } })
  @ApiOkResponse({ type: ProcedureAnswerDto })
  async retry(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProcedureAnswer> {
    const envelope = envelopeOf(request, principal);
    const provinces = await this.jurisdictionOf(await this.read(id));
    await this.streams.handle(procedureStreams, id, { type: 'RetryProcedure', data: {} }, envelope, {
      authorize: () => request.access!.authorizeProvinces(provinces),
    });
    const answer = await this.read(id);
    answerRevision(reply, answer.revision);
    return answer;
  }

  /**
   * The policy's `procedure` jurisdiction: the province whose office started the procedure, and
   * the one its citizen belongs to now (under the PIN they hold now: a move or a re-established
   * PIN does not hide the procedure from the office now in charge).
   */
  private async jurisdictionOf(procedure: ProcedureAnswer): Promise<string[]> {
    const citizen = (await loadCurrentCitizen(this.streams, procedure.pin)).state;
    return citizen ? [procedure.provinceCode, provinceOfCitizen(citizen)] : [procedure.provinceCode];
  }

  private async read(id: string): Promise<ProcedureAnswer> {
    if (!PROCEDURE_ID.test(id)) throw new ProcedureNotFound(id);
    try {
      const answer = procedureAnswer(await this.store.readStream(procedureStream(id)), new Date());
      if (!answer) throw new ProcedureNotFound(id);
      return answer;
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw new ProcedureNotFound(id);
      throw error;
    }
  }
}
