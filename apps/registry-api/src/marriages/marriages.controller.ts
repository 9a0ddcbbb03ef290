import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  FindMarriageQuery,
  RegisterDivorceCommand,
  RegisterMarriageCommand,
  type MarriageOutcome,
} from '@registry/app';
import type { CitizenRecord, MarriageState } from '@registry/domain';
import { CurrentPrincipal, HttpProblem, type Principal } from '@registry/platform';
import { IdempotencyGuard } from '../http/idempotency';
import { CALLER_ERRORS, Operation, withErrors } from '../http/openapi';
import { provinceOfCitizen } from '../http/access/jurisdiction';
import { envelopeOf } from '../http/write-context';
import { DivorceDto, MarriageAnswer, MarriageDto, MarriageWriteAnswer } from './marriage.dto';

const MARRIAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Marriages and divorces: one marriage, two spouses' streams (ADR 0018). */
@ApiTags('marriages')
@ApiBearerAuth()
@Controller('v1/marriages')
export class MarriagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Operation('Register a marriage: recorded on both spouses, or on neither', {
    400: ['VALIDATION_FAILED'],
    401: ['UNAUTHENTICATED'],
    403: ['FORBIDDEN', 'JURISDICTION_DENIED'],
    404: ['CITIZEN_NOT_FOUND'],
    409: ['IDEMPOTENCY_KEY_REUSED'],
    422: [
      'ALREADY_MARRIED',
      'UNDER_MARRIAGEABLE_AGE',
      'PROHIBITED_RELATIONSHIP',
      'SPOUSES_NOT_DISTINCT',
      'CITIZEN_DECEASED',
    ],
    503: ['WRITE_CONTENTION'],
  })
  @UseGuards(IdempotencyGuard)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: MarriageWriteAnswer })
  async register(
    @Body() body: MarriageDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MarriageWriteAnswer> {
    const envelope = envelopeOf(request, principal);
    const application = {
      spouses: body.spouses,
      date: body.date,
      registrationProvinceCode: body.registrationProvinceCode,
      certificateNumber: body.certificateNumber ?? null,
    };
    const outcome: MarriageOutcome = await this.commands.execute(new RegisterMarriageCommand(application, envelope));
    void reply.header('location', `/v1/marriages/${outcome.marriageId}`);
    return { marriageId: outcome.marriageId, revisions: outcome.revisions };
  }

  @Post(':id/divorce')
  @HttpCode(200)
  @Operation('Register a divorce: recorded on the marriage and on both spouses', {
    400: ['VALIDATION_FAILED'],
    401: ['UNAUTHENTICATED'],
    403: ['FORBIDDEN', 'JURISDICTION_DENIED'],
    404: ['MARRIAGE_NOT_FOUND'],
    409: ['IDEMPOTENCY_KEY_REUSED'],
    422: ['MARRIAGE_NOT_IN_FORCE', 'DIVORCE_BEFORE_MARRIAGE', 'EFFECTIVE_DATE_IN_FUTURE'],
    503: ['WRITE_CONTENTION'],
  })
  @UseGuards(IdempotencyGuard)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOkResponse({ type: MarriageWriteAnswer })
  async divorce(
    @Param('id') id: string,
    @Body() body: DivorceDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<MarriageWriteAnswer> {
    const marriageId = validMarriageId(id);
    const envelope = envelopeOf(request, principal);
    const divorce = { date: body.date, courtDecision: body.courtDecision };
    // The policy's `spouses` jurisdiction: the office of either spouse's current residence.
    const { authorizeProvinces } = request.access!;
    const authorize = (spouses: readonly CitizenRecord[]) => authorizeProvinces(spouses.map(provinceOfCitizen));
    const outcome: MarriageOutcome = await this.commands.execute(
      new RegisterDivorceCommand(marriageId, divorce, envelope, authorize),
    );
    return { marriageId, revisions: outcome.revisions };
  }

  @Get(':id')
  @Operation(
    'A marriage: spouses, date, status and end',
    withErrors(CALLER_ERRORS, { 400: ['VALIDATION_FAILED'], 404: ['MARRIAGE_NOT_FOUND'] }),
  )
  @ApiOkResponse({ type: MarriageAnswer })
  async find(@Param('id') id: string): Promise<MarriageAnswer> {
    const marriage: MarriageState = await this.queries.execute(new FindMarriageQuery(validMarriageId(id)));
    return {
      marriageId: marriage.marriageId,
      spouses: [...marriage.spouses],
      date: marriage.date,
      status: marriage.status,
      endedOn: marriage.endedOn,
      registrationProvinceCode: marriage.registrationProvinceCode,
      certificateNumber: marriage.certificateNumber,
    };
  }
}

function validMarriageId(id: string): string {
  if (MARRIAGE_ID.test(id)) return id;
  throw new HttpProblem(400, 'VALIDATION_FAILED', 'A marriage id is a UUID', [
    { field: 'id', problems: ['must be a UUID'] },
  ]);
}
