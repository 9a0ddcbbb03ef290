import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { eventIdFor, RegisterBirthCommand, type WriteResult } from '@registry/app';
import { procedureIdFor } from '@registry/procedures';
import { CurrentPrincipal, type Principal } from '@registry/platform';
import { IdempotencyGuard } from '../http/idempotency';
import { answerRevision, envelopeOf } from '../http/write-context';
import { toAddress, toPersonName, toPlace } from '../http/common.dto';
import { BirthRegisteredAnswer, RegisterBirthDto } from './register-birth.dto';
import { Operation } from '../http/openapi';

@ApiTags('births')
@ApiBearerAuth()
@Controller('v1/births')
@UseGuards(IdempotencyGuard)
export class BirthsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: BirthRegisteredAnswer, description: '`Location` names the new citizen' })
  @Operation('Register a birth: the registry assigns the PIN', {
    400: ['VALIDATION_FAILED'],
    401: ['UNAUTHENTICATED'],
    403: ['FORBIDDEN', 'JURISDICTION_DENIED'],
    409: ['IDEMPOTENCY_KEY_REUSED'],
    422: [
      'BIRTH_DATE_IN_FUTURE',
      'UNKNOWN_ADMINISTRATIVE_UNIT',
      'PARENT_NOT_FOUND',
      'PARENT_SEX_MISMATCH',
      'PARENT_BORN_AFTER_CHILD',
      'MOTHER_DECEASED_BEFORE_BIRTH',
      'PIN_INCONSISTENT',
    ],
    503: ['PIN_SPACE_EXHAUSTED', 'SERVICE_UNAVAILABLE'],
  })
  async register(
    @Body() body: RegisterBirthDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BirthRegisteredAnswer> {
    const envelope = envelopeOf(request, principal);
    const { child } = body;
    const application = {
      child: {
        name: toPersonName(child),
        sex: child.sex,
        dateOfBirth: child.dateOfBirth,
        placeOfBirth: toPlace(child.placeOfBirth),
        nationality: child.nationality ?? 'VN',
        ethnicity: child.ethnicity ?? null,
      },
      motherPin: body.motherPin ?? null,
      fatherPin: body.fatherPin ?? null,
      registrationProvinceCode: body.registrationProvinceCode,
      permanentResidence: body.permanentResidence ? toAddress(body.permanentResidence) : null,
      confirmedDistinctFrom: body.confirmedDistinctFrom ?? [],
    };
    const command = new RegisterBirthCommand(application, envelope);
    const result = await this.commands.execute<typeof command, WriteResult>(command);
    answerRevision(reply, result.revision);
    void reply.header('location', `/v1/citizens/${result.id}`);
    if (!application.permanentResidence) return { pin: result.id, revision: result.revision };
    // The birth procedure registers the residence and asks for the child's card; it is named after the birth event.
    return {
      pin: result.id,
      revision: result.revision,
      procedureId: procedureIdFor(eventIdFor(envelope.commandId, 0)),
    };
  }
}
