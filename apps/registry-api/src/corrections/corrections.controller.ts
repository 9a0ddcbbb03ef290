import { Body, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CorrectRecordCommand, type CorrectionResult } from '@registry/app';
import { CurrentPrincipal, type Principal } from '@registry/platform';
import { CitizenWritesController } from '../http/citizen-writes.decorator';
import { PinPipe } from '../http/pin.pipe';
import { answerRevision, citizenWriteOf } from '../http/write-context';
import { CorrectionDto, correctedValue } from './correction.dto';

/** Corrections: the old value was wrong all along (a name change is a new fact: see name-changes/). */
@CitizenWritesController()
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
    const { envelope, conditions } = citizenWriteOf(request, principal);
    const correction = { field: body.field, value, reason: body.reason, legalBasis: body.legalBasis };
    const command = new CorrectRecordCommand(pin, correction, envelope, conditions);
    const result = await this.commands.execute<typeof command, CorrectionResult>(command);
    answerRevision(reply, result.revision);
    if (result.reestablished) void reply.header('location', `/v1/citizens/${result.id}`);
    return { revision: result.revision, pin: result.id };
  }
}
