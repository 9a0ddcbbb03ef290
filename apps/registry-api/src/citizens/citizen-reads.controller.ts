import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CitizenChain, CitizenNotFound, CitizenStreams, asCitizenEvent, civilDateIn } from '@registry/app';
import { citizenAsOf, holdsOn } from '@registry/domain';
import { Roles } from '@registry/platform';
import { answerRevision } from '../http/write-context';
import { PinPipe } from '../http/pin.pipe';
import { CitizenReadQuery } from './citizen-read.dto';
import { citizenView, timelineEntry } from './citizen-view';
import { timelineAsCsv, timelineAsNdjson } from './timeline-export';

/** Citizen reads from the streams: the current record, "as of" answers, and timelines. */
@ApiTags('citizens')
@ApiBearerAuth()
@Controller('v1/citizens/:pin')
export class CitizenReadsController {
  constructor(
    private readonly streams: CitizenStreams,
    private readonly chain: CitizenChain,
  ) {}

  @Get()
  @Roles('officer', 'supervisor', 'historian')
  async citizen(
    @Param('pin', PinPipe) pin: string,
    @Query() query: CitizenReadQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (query.validAt || query.knownAt) return this.asOf(pin, query);
    const history = await this.streams.load(pin);
    if (history.state === null) throw new CitizenNotFound(pin);
    if (history.state.replacedBy) {
      void reply.status(301).header('location', `/v1/citizens/${history.state.replacedBy}`);
      return { pin, replacedBy: history.state.replacedBy };
    }
    answerRevision(reply, history.revision);
    return citizenView(history.state, history.revision);
  }

  /** Bitemporal: valid time `validAt` (default today), transaction time `knownAt` (default now). */
  private async asOf(pin: string, query: CitizenReadQuery) {
    const chain = await this.chain.load(pin);
    if (!chain) throw new CitizenNotFound(pin);
    const now = new Date();
    const knownAt = new Date(query.knownAt ?? now).toISOString();
    const validAt = query.validAt ?? civilDateIn(now);
    const known = chain.events.filter((e) => e.recordedAt.toISOString() <= knownAt);
    const record = citizenAsOf(
      known.map((e) => ({ event: asCitizenEvent(e), recordedAt: e.recordedAt.toISOString() })),
      validAt,
      knownAt,
    );
    if (!record) throw new CitizenNotFound(pin);
    // The revision of the last event the answer rests on.
    const revision = known.filter((e) => holdsOn(asCitizenEvent(e), validAt)).at(-1)!.revision;
    return { ...citizenView(record, revision), validAt, knownAt };
  }

  @Get('timeline')
  @Roles('historian', 'supervisor', 'officer')
  @ApiProduces('application/json', 'application/x-ndjson', 'text/csv')
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
