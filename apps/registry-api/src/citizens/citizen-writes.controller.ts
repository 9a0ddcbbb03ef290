import { Body, Controller, HttpCode, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChangeCitizenRecordCommand, type WriteResult } from '@registry/app';
import type { CitizenRecord } from '@registry/domain';
import { CurrentPrincipal, Roles, type Principal } from '@registry/platform';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { answerRevision, envelopeOf, ifMatchOf, requireJurisdiction } from '../http/write-context';
import { RevisionAnswer, toAddress, toPlace } from '../http/common.dto';
import { PinPipe } from '../http/pin.pipe';
import {
  DeathDto,
  PermanentResidenceDto,
  ResidenceCancellationDto,
  TemporaryResidenceDto,
  TemporaryResidenceEndDto,
} from './citizen-writes.dto';

type Command = ChangeCitizenRecordCommand['command'];
interface Call {
  readonly principal: Principal;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/** Life events recorded on an existing citizen. Controllers translate; the domain decides. */
@ApiTags('citizens')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false })
@ApiHeader({ name: 'If-Match', required: false, description: 'Expected revision, e.g. "3"' })
@Controller('v1/citizens/:pin')
@UseInterceptors(IdempotencyInterceptor)
@Roles('officer')
export class CitizenWritesController {
  constructor(private readonly commands: CommandBus) {}

  @Post('permanent-residence')
  @HttpCode(200)
  @ApiOkResponse({ type: RevisionAnswer })
  registerPermanentResidence(
    @Param('pin', PinPipe) pin: string,
    @Body() body: PermanentResidenceDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: Command = {
      type: 'RegisterPermanentResidence',
      data: { address: toAddress(body.address), effectiveDate: body.effectiveDate },
    };
    return this.record(pin, command, () => body.address.provinceCode, { principal, request, reply });
  }

  @Post('temporary-residence')
  @HttpCode(200)
  @ApiOkResponse({ type: RevisionAnswer })
  registerTemporaryResidence(
    @Param('pin', PinPipe) pin: string,
    @Body() body: TemporaryResidenceDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: Command = {
      type: 'RegisterTemporaryResidence',
      data: { address: toAddress(body.address), from: body.from, until: body.until },
    };
    return this.record(pin, command, () => body.address.provinceCode, { principal, request, reply });
  }

  @Post('temporary-residence/end')
  @HttpCode(200)
  @ApiOkResponse({ type: RevisionAnswer })
  endTemporaryResidence(
    @Param('pin', PinPipe) pin: string,
    @Body() body: TemporaryResidenceEndDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: Command = {
      type: 'EndTemporaryResidence',
      data: { effectiveDate: body.effectiveDate, reason: body.reason },
    };
    // The office of the stay being ended (the domain answers when there is none).
    const province = (citizen: CitizenRecord) =>
      citizen.temporaryResidence?.address.provinceCode ?? principal.office ?? '';
    return this.record(pin, command, province, { principal, request, reply });
  }

  @Post('permanent-residence/cancellation')
  @HttpCode(200)
  @ApiOkResponse({ type: RevisionAnswer })
  cancelPermanentResidence(
    @Param('pin', PinPipe) pin: string,
    @Body() body: ResidenceCancellationDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: Command = {
      type: 'CancelPermanentResidence',
      data: { reason: body.reason, effectiveDate: body.effectiveDate, note: body.note ?? null },
    };
    // The office of the residence being cancelled (the domain answers when there is none).
    const province = (citizen: CitizenRecord) =>
      citizen.permanentResidence?.address.provinceCode ?? principal.office ?? '';
    return this.record(pin, command, province, { principal, request, reply });
  }

  @Post('death')
  @HttpCode(200)
  @ApiOkResponse({ type: RevisionAnswer })
  registerDeath(
    @Param('pin', PinPipe) pin: string,
    @Body() body: DeathDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: Command = {
      type: 'RegisterDeath',
      data: {
        dateOfDeath: body.dateOfDeath,
        placeOfDeath: toPlace(body.placeOfDeath),
        certificateNumber: body.certificateNumber,
      },
    };
    return this.record(pin, command, () => body.placeOfDeath.provinceCode, { principal, request, reply });
  }

  private async record(
    pin: string,
    command: Command,
    provinceOf: (citizen: CitizenRecord) => string,
    call: Call,
  ): Promise<RevisionAnswer> {
    const envelope = envelopeOf(call.request, call.principal);
    const authorize = (citizen: CitizenRecord) =>
      requireJurisdiction(call.principal, provinceOf(citizen), envelope.now);
    const options = { ifMatch: ifMatchOf(call.request), authorize };
    const result: WriteResult = await this.commands.execute(
      new ChangeCitizenRecordCommand(pin, command, envelope, options),
    );
    answerRevision(call.reply, result.revision);
    return { revision: result.revision };
  }
}
