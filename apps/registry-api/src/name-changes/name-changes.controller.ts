import { Body, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChangeNameCommand, type WriteResult } from '@registry/app';
import { CurrentPrincipal, type Principal } from '@registry/platform';
import { ApiOkResponse } from '@nestjs/swagger';
import { CitizenWritesController } from '../http/citizen-writes.decorator';
import { CITIZEN_WRITE_ERRORS, Operation, withErrors } from '../http/openapi';
import { PinPipe } from '../http/pin.pipe';
import { citizenWriteOf, revisionAnswer } from '../http/write-context';
import { RevisionAnswer, toPersonName } from '../http/common.dto';
import { NameChangeDto } from './name-change.dto';

/** Name changes: a new fact from its date (a correction says the old name was wrong all along). */
@CitizenWritesController()
export class NameChangesController {
  constructor(private readonly commands: CommandBus) {}

  @Post('name-changes')
  @HttpCode(200)
  @ApiOkResponse({ type: RevisionAnswer })
  @Operation(
    'Record a change of name from its date (a new fact, not a correction)',
    withErrors(CITIZEN_WRITE_ERRORS, {
      422: [
        'NAME_UNCHANGED',
        'CITIZEN_DECEASED',
        'EFFECTIVE_DATE_BEFORE_BIRTH',
        'EFFECTIVE_DATE_IN_FUTURE',
        'PIN_REPLACED',
      ],
    }),
  )
  async changeName(
    @Param('pin', PinPipe) pin: string,
    @Body() body: NameChangeDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevisionAnswer> {
    const { envelope, conditions } = citizenWriteOf(request, principal);
    const data = { name: toPersonName(body.name), effectiveDate: body.effectiveDate, reason: body.reason };
    const command = new ChangeNameCommand(pin, data, envelope, conditions);
    return revisionAnswer(reply, await this.commands.execute<typeof command, WriteResult>(command));
  }
}
