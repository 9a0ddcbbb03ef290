import { Body, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CorrectRecordCommand, type CorrectionResult } from '@registry/app';
import { CurrentPrincipal, type Principal } from '@registry/platform';
import { PinReplacements } from '@registry/read-models';
import { ApiOkResponse } from '@nestjs/swagger';
import { CitizenWritesController } from '../http/citizen-writes.decorator';
import { CorrectionAnswer } from '../http/answers.dto';
import { CITIZEN_WRITE_ERRORS, Operation, withErrors } from '../http/openapi';
import { PinPipe } from '../http/pin.pipe';
import { answerRevision, citizenWriteOf } from '../http/write-context';
import { CorrectionDto, correctedValue } from './correction.dto';

/** Corrections: the old value was wrong all along (a name change is a new fact: see name-changes/). */
@CitizenWritesController()
export class CorrectionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly replacements: PinReplacements,
  ) {}

  @Post('corrections')
  @HttpCode(200)
  @ApiOkResponse({ type: CorrectionAnswer, description: 'With a re-established PIN, `Location` names it' })
  @Operation(
    'Correct a recorded fact (wrong all along); sex or birth year re-establish the PIN',
    withErrors(CITIZEN_WRITE_ERRORS, {
      422: [
        'CORRECTION_CHANGES_NOTHING',
        'CORRECTED_EVENT_NOT_FOUND',
        'CORRECTED_EVENT_NOT_OF_FIELD',
        'BIRTH_DATE_IN_FUTURE',
        'DEATH_BEFORE_BIRTH',
        'EFFECTIVE_DATE_BEFORE_BIRTH',
        'UNKNOWN_ADMINISTRATIVE_UNIT',
        'PIN_INCONSISTENT',
        'PIN_REPLACED',
      ],
      503: ['PIN_SPACE_EXHAUSTED'],
    }),
  )
  async correct(
    @Param('pin', PinPipe) pin: string,
    @Body() body: CorrectionDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CorrectionAnswer> {
    const value = await correctedValue(body.field, body.value);
    const { envelope, conditions } = citizenWriteOf(request, principal);
    const correction = {
      field: body.field,
      value,
      reason: body.reason,
      legalBasis: body.legalBasis,
      ...(body.corrects === undefined ? {} : { corrects: body.corrects }),
    };
    const command = new CorrectRecordCommand(pin, correction, envelope, conditions);
    const result = await this.commands.execute<typeof command, CorrectionResult>(command);
    answerRevision(reply, result.revision);
    if (result.reestablished) {
      // Before answering: a lookup of the old PIN right after this answer is a 301 already.
      await this.replacements.note(pin, result.id);
      void reply.header('location', `/v1/citizens/${result.id}`);
    }
    return { revision: result.revision, pin: result.id };
  }
}
