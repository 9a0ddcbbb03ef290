import { Body, Controller, HttpCode, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AnnulDeathCommand, type WriteResult } from '@registry/app';
import type { CitizenRecord } from '@registry/domain';
import { CurrentPrincipal, Roles, type Principal } from '@registry/platform';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { PinPipe } from '../http/pin.pipe';
import { RevisionAnswer } from '../http/common.dto';
import { answerRevision, envelopeOf, ifMatchOf, requireJurisdiction } from '../http/write-context';
import { DeathAnnulmentDto } from './death-annulment.dto';

/** The office of the residence the death cancelled (or of the birth registration, with none). */
const provinceOfDeceased = (citizen: CitizenRecord) =>
  (citizen.permanentResidence ?? citizen.endedByDeath?.permanentResidence)?.address.provinceCode ??
  citizen.pin.slice(0, 3);

/** `POST /v1/citizens/{pin}/death/annulment`: a death registered in error. */
@ApiTags('citizens')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false })
@ApiHeader({ name: 'If-Match', required: false })
@Controller('v1/citizens/:pin/death/annulment')
@UseInterceptors(IdempotencyInterceptor)
@Roles('officer')
export class DeathAnnulmentController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: RevisionAnswer })
  async annul(
    @Param('pin', PinPipe) pin: string,
    @Body() body: DeathAnnulmentDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevisionAnswer> {
    const envelope = envelopeOf(request, principal);
    const authorize = (citizen: CitizenRecord) =>
      requireJurisdiction(principal, provinceOfDeceased(citizen), envelope.now);
    const options = { ifMatch: ifMatchOf(request), authorize };
    const annulment = { reason: body.reason, legalBasis: body.legalBasis };
    const result: WriteResult = await this.commands.execute(new AnnulDeathCommand(pin, annulment, envelope, options));
    answerRevision(reply, result.revision);
    return { revision: result.revision };
  }
}
