import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ReestablishedPins, CitizenNotFound } from '@registry/app';
import { PinPipe } from '../http/pin.pipe';
import { TimelineAnswer } from '../http/answers.dto';
import { CALLER_ERRORS, Operation, withErrors } from '../http/openapi';
import { timelineEntry } from './citizen-view';
import { timelineAsCsv, timelineAsNdjson } from './timeline-export';

/** Timelines, read from the citizen's chain of streams (lookups read the read models: see queries/). */
@ApiTags('citizens')
@ApiBearerAuth()
@Controller('v1/citizens/:pin')
export class CitizenReadsController {
  constructor(private readonly chain: ReestablishedPins) {}

  @Get('timeline')
  @ApiProduces('application/json', 'application/x-ndjson', 'text/csv')
  @ApiOkResponse({ type: TimelineAnswer, description: 'JSON; with Accept, CSV or NDJSON of the events' })
  @Operation(
    "A citizen's timeline: every event with both time axes, across re-established PINs",
    withErrors(CALLER_ERRORS, { 400: ['VALIDATION_FAILED'], 404: ['CITIZEN_NOT_FOUND'] }),
  )
  async timeline(
    @Param('pin', PinPipe) pin: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const chain = await this.chain.load(pin);
    if (!chain) throw new CitizenNotFound(pin);
    const events = chain.events.map(timelineEntry);
    if (accept?.includes('text/csv')) {
      void reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="timeline-${pin}.csv"`);
      return timelineAsCsv(events);
    }
    if (accept?.includes('application/x-ndjson')) {
      void reply.type('application/x-ndjson; charset=utf-8');
      return timelineAsNdjson(events);
    }
    return { pin, currentPin: chain.currentPin, events };
  }
}
