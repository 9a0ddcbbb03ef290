import { Injectable } from '@nestjs/common';
import { CitizenChain, CitizenNotFound, asCitizenEvent, civilDateIn } from '@registry/app';
import { citizenAsOf, holdsOn } from '@registry/domain';
import { citizenView } from '../citizens/citizen-view';

/**
 * `GET /v1/citizens/{pin}?validAt=&knownAt=`: the record as it stood on a date as known at an
 * instant, folded from the citizen's chain of streams (the historians' read; moved here from
 * CitizenReadsController unchanged, since this controller now answers the route).
 */
@Injectable()
export class CitizenAsOfReader {
  constructor(private readonly chain: CitizenChain) {}

  async read(pin: string, query: { validAt?: string; knownAt?: string }) {
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
}
