import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CitizenNotFound, CitizenStreams } from '@registry/app';
import { Roles } from '@registry/platform';
import { answerRevision } from '../http/write-context';
import { PinPipe } from '../http/pin.pipe';
import { citizenView, timelineEntry } from './citizen-view';

/** Reads by folding the citizen's stream (the read-model projection takes over lookups at scale). */
@ApiTags('citizens')
@ApiBearerAuth()
@Controller('v1/citizens/:pin')
export class CitizenReadsController {
  constructor(private readonly streams: CitizenStreams) {}

  @Get()
  @Roles('officer', 'supervisor', 'historian')
  async citizen(@Param('pin', PinPipe) pin: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const history = await this.streams.load(pin);
    if (history.state === null) throw new CitizenNotFound(pin);
    answerRevision(reply, history.revision);
    return citizenView(history.state, history.revision);
  }

  @Get('timeline')
  @Roles('historian', 'supervisor', 'officer')
  async timeline(@Param('pin', PinPipe) pin: string) {
    const history = await this.streams.load(pin);
    if (history.state === null) throw new CitizenNotFound(pin);
    return { pin, events: history.events.map(timelineEntry) };
  }
}
