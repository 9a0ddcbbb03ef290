import { Injectable } from '@nestjs/common';
import { CitizenNotFound, ReestablishedPins, asCitizenEvent, civilDateIn } from '@registry/app';
import { citizenAsOf, eventsHoldingOn } from '@registry/domain';
import { citizenDocument } from '@registry/read-models';

/**
 * `GET /v1/citizens/{pin}?validAt=&knownAt=`: the record as it stood on a date as known at an
 * instant, folded from the citizen's chain of streams by the domain's one bitemporal fold
 * (citizenAsOf: names by effective date, corrections over the period they cover, a new PIN's
 * facts known from the old stream's closing instant).
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
    const basis = eventsHoldingOn(known, validAt, knownAt).at(-1)!;
    // Addresses as answered on that date: under the successor once a province merged.
    return { ...citizenDocument(record, basis.revision, validAt), validAt, knownAt };
  }
}
