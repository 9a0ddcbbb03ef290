import { Body, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CancelPermanentResidenceCommand,
  EndTemporaryResidenceCommand,
  RegisterPermanentResidenceCommand,
  RegisterTemporaryResidenceCommand,
  type WriteResult,
} from '@registry/app';
import { CurrentPrincipal, type Principal } from '@registry/platform';
import { CitizenWritesController } from '../http/citizen-writes.decorator';
import { CITIZEN_WRITE_ERRORS, Operation, withErrors } from '../http/openapi';
import { citizenWriteOf, revisionAnswer } from '../http/write-context';
import { RevisionAnswer, toAddress } from '../http/common.dto';
import { PinPipe } from '../http/pin.pipe';
import {
  PermanentResidenceDto,
  ResidenceCancellationDto,
  TemporaryResidenceDto,
  TemporaryResidenceEndDto,
} from './residence.dto';

/** Rules every residence write may break (422). */
const RESIDENCE_RULES = [
  'UNKNOWN_ADMINISTRATIVE_UNIT',
  'CITIZEN_DECEASED',
  'PIN_REPLACED',
  'EFFECTIVE_DATE_BEFORE_BIRTH',
  'EFFECTIVE_DATE_IN_FUTURE',
];

/** Permanent and temporary residences, and the cancellation of a permanent residence. */
@CitizenWritesController()
export class ResidencesController {
  constructor(private readonly commands: CommandBus) {}

  @Post('permanent-residence')
  @HttpCode(200)
  @Operation(
    'Register a permanent residence (ends the previous one the day before)',
    withErrors(CITIZEN_WRITE_ERRORS, { 422: [...RESIDENCE_RULES, 'RESIDENCE_DATE_BEFORE_CURRENT'] }),
  )
  @ApiOkResponse({ type: RevisionAnswer })
  async registerPermanentResidence(
    @Param('pin', PinPipe) pin: string,
    @Body() body: PermanentResidenceDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevisionAnswer> {
    const { envelope, conditions } = citizenWriteOf(request, principal);
    const data = { address: toAddress(body.address), effectiveDate: body.effectiveDate };
    const command = new RegisterPermanentResidenceCommand(pin, data, envelope, conditions);
    return revisionAnswer(reply, await this.commands.execute<typeof command, WriteResult>(command));
  }

  @Post('temporary-residence')
  @HttpCode(200)
  @Operation(
    'Register a temporary residence for a period (replaces a current one)',
    withErrors(CITIZEN_WRITE_ERRORS, { 422: [...RESIDENCE_RULES, 'TEMPORARY_RESIDENCE_PERIOD_INVALID'] }),
  )
  @ApiOkResponse({ type: RevisionAnswer })
  async registerTemporaryResidence(
    @Param('pin', PinPipe) pin: string,
    @Body() body: TemporaryResidenceDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevisionAnswer> {
    const { envelope, conditions } = citizenWriteOf(request, principal);
    const data = { address: toAddress(body.address), from: body.from, until: body.until };
    const command = new RegisterTemporaryResidenceCommand(pin, data, envelope, conditions);
    return revisionAnswer(reply, await this.commands.execute<typeof command, WriteResult>(command));
  }

  @Post('temporary-residence/end')
  @HttpCode(200)
  @Operation(
    'End the temporary residence in force before its registered end',
    withErrors(CITIZEN_WRITE_ERRORS, {
      422: [
        'NO_TEMPORARY_RESIDENCE',
        'RESIDENCE_DATE_BEFORE_CURRENT',
        'CITIZEN_DECEASED',
        'EFFECTIVE_DATE_IN_FUTURE',
        'EFFECTIVE_DATE_BEFORE_BIRTH',
      ],
    }),
  )
  @ApiOkResponse({ type: RevisionAnswer })
  async endTemporaryResidence(
    @Param('pin', PinPipe) pin: string,
    @Body() body: TemporaryResidenceEndDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevisionAnswer> {
    const { envelope, conditions } = citizenWriteOf(request, principal);
    const data = { effectiveDate: body.effectiveDate, reason: body.reason };
    const command = new EndTemporaryResidenceCommand(pin, data, envelope, conditions);
    return revisionAnswer(reply, await this.commands.execute<typeof command, WriteResult>(command));
  }

  @Post('permanent-residence/cancellation')
  @HttpCode(200)
  @Operation(
    'Cancel the permanent residence (moved abroad, deceased, absent, other)',
    withErrors(CITIZEN_WRITE_ERRORS, { 422: [...RESIDENCE_RULES, 'NO_PERMANENT_RESIDENCE', 'CITIZEN_NOT_DECEASED'] }),
  )
  @ApiOkResponse({ type: RevisionAnswer })
  async cancelPermanentResidence(
    @Param('pin', PinPipe) pin: string,
    @Body() body: ResidenceCancellationDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevisionAnswer> {
    const { envelope, conditions } = citizenWriteOf(request, principal);
    const data = { reason: body.reason, effectiveDate: body.effectiveDate, note: body.note ?? null };
    const command = new CancelPermanentResidenceCommand(pin, data, envelope, conditions);
    return revisionAnswer(reply, await this.commands.execute<typeof command, WriteResult>(command));
  }
}
