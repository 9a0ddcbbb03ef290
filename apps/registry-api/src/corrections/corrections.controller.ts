import { Body, Controller, HttpCode, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ChangeCitizenRecordCommand,
  CorrectRecordCommand,
  type CorrectionResult,
  type WriteResult,
} from '@registry/app';
import { CurrentPrincipal, type Principal } from '@registry/platform';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { PinPipe } from '../http/pin.pipe';
import { answerRevision, envelopeOf, ifMatchOf } from '../http/write-context';
import { CorrectionDto, NameChangeDto, correctedValue } from './correction.dto';

/** Corrections (the old value was wrong all along) and name changes (a new fact from a date). */
@ApiTags('citizens')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false })
@ApiHeader({ name: 'If-Match', required: false })
@Controller('v1/citizens/:pin')
@UseInterceptors(IdempotencyInterceptor)
export class CorrectionsController {
  constructor(private readonly commands: CommandBus) {}

  @Post('corrections')
  @HttpCode(200)
  async correct(
    @Param('pin', PinPipe) pin: string,
    @Body() body: CorrectionDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const value = await correctedValue(body.field, body.value);
    const envelope = envelopeOf(request, principal);
    const authorize = request.access!.authorizeCitizen;
    const correction = { field: body.field, value, reason: body.reason, legalBasis: body.legalBasis };
    const command = new CorrectRecordCommand(pin, correction, envelope, { ifMatch: ifMatchOf(request), authorize });
    const result: CorrectionResult = await this.commands.execute(command);
    answerRevision(reply, result.revision);
    if (result.reestablished) void reply.header('location', `/v1/citizens/${result.pin}`);
    return { revision: result.revision, pin: result.pin };
  }

  @Post('name-changes')
  @HttpCode(200)
  async changeName(
    @Param('pin', PinPipe) pin: string,
    @Body() body: NameChangeDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const envelope = envelopeOf(request, principal);
    const authorize = request.access!.authorizeCitizen;
    const name = {
      familyName: body.name.familyName,
      middleName: body.name.middleName ?? null,
      givenName: body.name.givenName,
    };
    const command = {
      type: 'ChangeName' as const,
      data: { name, effectiveDate: body.effectiveDate, reason: body.reason },
    };
    const options = { ifMatch: ifMatchOf(request), authorize };
    const result: WriteResult = await this.commands.execute(
      new ChangeCitizenRecordCommand(pin, command, envelope, options),
    );
    answerRevision(reply, result.revision);
    return { revision: result.revision };
  }
}
