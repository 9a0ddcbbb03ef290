import { Injectable } from '@nestjs/common';
import { CitizenNotFound, ReestablishedPins, asCitizenEvent, civilDateIn } from '@registry/app';
import { citizenAsOf, holdsOn } from '@registry/domain';
import { citizenDocument } from '@registry/read-models';

/**
 * `GET /v1/citizens/{pin}?validAt=&knownAt=`: the record as it stood on a date as known at an
 * instant, folded from the citizen's chain of streams (the historians' read; moved here from
 * CitizenReadsController unchanged, since this controller now answers the route).
 */
@Injectable()
export class CitizenAsOfReader {
  constructor(private readonly chain: ReestablishedPins) {}

  async read(pin: string, query: { validAt?: string; knownAt?: string }) {
    const chain = await this.chain.load(pin);
    if (!chain) throw new CitizenNotFound(pin);
    const now = new Date();
    const knownAt = new Date(query.knownAt ?? now).toISOString();
    const validAt = query.validAt ?? civilDateIn(now);
    const known = chain.events.map((e) => ({
      event: asCitizenEvent(e),
      recordedAt: e.recordedAt.toISOString(),
      revision: e.revision,
    }));
    const record = citizenAsOf(known, validAt, knownAt);
    if (!record) throw new CitizenNotFound(pin);
    // The revision of the last event the answer rests on.
    const basis = known.filter((e) => e.recordedAt <= knownAt && holdsOn(e.event, validAt)).at(-1)!;
    return { ...citizenDocument(record, basis.revision), validAt, knownAt };
  }
}
