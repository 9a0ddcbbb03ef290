import { Body, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AnnulDeathCommand, type WriteResult } from '@registry/app';
import { CurrentPrincipal, type Principal } from '@registry/platform';
import { CitizenWritesController } from '../http/citizen-writes.decorator';
import { CITIZEN_WRITE_ERRORS, Operation, withErrors } from '../http/openapi';
import { citizenWriteOf, revisionAnswer } from '../http/write-context';
import { RevisionAnswer } from '../http/common.dto';
import { PinPipe } from '../http/pin.pipe';
import { DeathAnnulmentDto } from './death-annulment.dto';

/** `POST /v1/citizens/{pin}/death/annulment`: a death registered in error. */
@CitizenWritesController()
export class DeathAnnulmentController {
  constructor(private readonly commands: CommandBus) {}

  @Post('death/annulment')
  @HttpCode(200)
  @Operation(
    'Annul a death registered in error: the citizen is alive again, what the death ended is restored',
    withErrors(CITIZEN_WRITE_ERRORS, { 422: ['CITIZEN_NOT_DECEASED', 'SPOUSE_REMARRIED'] }),
  )
  @ApiOkResponse({ type: RevisionAnswer })
  async annul(
    @Param('pin', PinPipe) pin: string,
    @Body() body: DeathAnnulmentDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevisionAnswer> {
    const { envelope, conditions } = citizenWriteOf(request, principal);
    const data = { reason: body.reason, legalBasis: body.legalBasis };
    const command = new AnnulDeathCommand(pin, data, envelope, conditions);
    return revisionAnswer(reply, await this.commands.execute<typeof command, WriteResult>(command));
  }
}
