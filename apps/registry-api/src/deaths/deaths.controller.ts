import { Body, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { eventIdFor, RegisterDeathCommand, type WriteResult } from '@registry/app';
import { procedureIdFor } from '@registry/procedures';
import { CurrentPrincipal, type Principal } from '@registry/platform';
import { CitizenWritesController } from '../http/citizen-writes.decorator';
import { CITIZEN_WRITE_ERRORS, Operation, withErrors } from '../http/openapi';
import { citizenWriteOf, revisionAnswer } from '../http/write-context';
import { toPlace } from '../http/common.dto';
import { PinPipe } from '../http/pin.pipe';
import { DeathAnswer, DeathDto } from './death.dto';

/** The registration of a death. */
@CitizenWritesController()
export class DeathsController {
  constructor(private readonly commands: CommandBus) {}

  @Post('death')
  @HttpCode(200)
  @Operation(
    'Register a death',
    withErrors(CITIZEN_WRITE_ERRORS, {
      422: [
        'DEATH_BEFORE_BIRTH',
        'DEATH_DATE_IN_FUTURE',
        'CITIZEN_DECEASED',
        'UNKNOWN_ADMINISTRATIVE_UNIT',
        'PIN_REPLACED',
      ],
    }),
  )
  @ApiOkResponse({ type: DeathAnswer })
  async registerDeath(
    @Param('pin', PinPipe) pin: string,
    @Body() body: DeathDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeathAnswer> {
    const { envelope, conditions } = citizenWriteOf(request, principal);
    const data = {
      dateOfDeath: body.dateOfDeath,
      placeOfDeath: toPlace(body.placeOfDeath),
      certificateNumber: body.certificateNumber,
    };
    const command = new RegisterDeathCommand(pin, data, envelope, conditions);
    const answer = revisionAnswer(reply, await this.commands.execute<typeof command, WriteResult>(command));
    // The death procedure (residence cancellation, funeral allowance) is named after the death event.
    return { ...answer, procedureId: procedureIdFor(eventIdFor(envelope.commandId, 0)) };
  }
}
