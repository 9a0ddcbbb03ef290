import { hash } from 'node:crypto';
import { citizenStream, type CitizenImported } from '@registry/domain';
// The module itself, not the lib's index: a worker thread loads this file, and the index loads the whole application layer.
import { commandIdFor, eventIdFor, SCHEMA_VERSION } from '@registry/app/command-handling/command-envelope';
import type { NewStream, NewStreamText } from '@registry/event-store';

const ACTOR = { sub: 'legacy-import', office: null, roles: ['operator'] };

/**
 * The stream each accepted row opens: `citizen-<PIN>` with its CitizenImported. The event id
 * depends on the facts alone (not the run, the row number or the import date): the same row
 * imported again (another day, another run) is the same event, and a different record under an
 * imported PIN is a conflict.
 */
export class LegacyEvents {
  private readonly sourceFile: string;

  constructor(private readonly file: string) {
    this.sourceFile = `,"file":${JSON.stringify(file)}},"commandId":"`;
  }

  /**
   * The event as JSON text, for COPY. Each value is quoted once (JSON.stringify of a string),
   * and the quoted values are put together twice:
   * - the facts (the data without importedOn) as JSON.stringify writes the record importCitizen
   *   builds, its keys in the order they are created (legacyCitizen): the event id's source,
   *   so ids are those of every earlier import (a unit test holds a known id and the object path);
   * - the data stored, every object's keys in jsonb's own order (shorter keys first, then
   *   bytewise): PostgreSQL sorts each object's keys as it reads jsonb, and keys already in order
   *   cost it one comparison each instead of a sort. jsonb keeps no key order, so the stored event
   *   is the same.
   * (The facts used to be JSON.stringify of the whole record, then cut: a second walk and a
   * second copy of every value.)
   */
  text(event: CitizenImported, rowNumber: number): NewStreamText {
    const { facts, data } = legacyTexts(event.data);
    const commandId = this.commandId(facts);
    const metadata =
      `{"actor":{"sub":"legacy-import","roles":["operator"],"office":null},"source":{"row":${rowNumber}` +
      `${this.sourceFile}${commandId}","causationId":"${commandId}","effectiveAt":${JSON.stringify(event.data.dateOfBirth)},` +
      `"correlationId":"${commandId}","schemaVersion":${SCHEMA_VERSION}}`;
    return {
      streamId: citizenStream(event.data.pin),
      eventId: eventIdFor(commandId, 0),
      type: event.type,
      data,
      metadata,
    };
  }

  /** The same event as objects, for a store without COPY (appendToNewStreams). */
  stream(event: CitizenImported, rowNumber: number): NewStream {
    const commandId = this.commandId(legacyTexts(event.data).facts);
    return {
      streamId: citizenStream(event.data.pin),
      events: [
        {
          eventId: eventIdFor(commandId, 0),
          type: event.type,
          data: event.data as unknown as Record<string, unknown>,
          metadata: {
            commandId,
            correlationId: commandId,
            causationId: commandId,
            actor: ACTOR,
            effectiveAt: event.data.dateOfBirth,
            schemaVersion: SCHEMA_VERSION,
            source: { file: this.file, row: rowNumber },
          },
        },
      ],
    };
  }

  private commandId(facts: string): string {
    return commandIdFor('legacy-import', hash('sha256', facts, 'hex'));
  }
}

/**
 * CitizenImported's facts as JSON.stringify writes the record legacyCitizen builds (the event
 * id's source), and its data with every object's keys in jsonb's order (LegacyEvents.text).
 */
export function legacyTexts(data: CitizenImported['data']): { facts: string; data: string } {
  const s = JSON.stringify;
  const { name, placeOfBirth: birth, permanentResidence: residence } = data;
  const pin = s(data.pin);
  const sex = s(data.sex);
  const familyName = s(name.familyName);
  const middleName = s(name.middleName);
  const givenName = s(name.givenName);
  const dateOfBirth = s(data.dateOfBirth);
  const birthProvince = s(birth.provinceCode);
  const birthDetail = s(birth.detail);
  const nationality = s(data.nationality);
  const ethnicity = s(data.ethnicity);
  const motherPin = s(data.motherPin);
  const fatherPin = s(data.fatherPin);
  const dateOfDeath = s(data.dateOfDeath);
  let residenceFacts = 'null';
  let residenceData = 'null';
  if (residence !== null) {
    const { address } = residence;
    const since = s(residence.since);
    const province = s(address.provinceCode);
    const commune = s(address.communeCode);
    const line = s(address.line);
    residenceFacts = `{"address":{"provinceCode":${province},"communeCode":${commune},"line":${line}},"since":${since}}`;
    residenceData = `{"since":${since},"address":{"line":${line},"communeCode":${commune},"provinceCode":${province}}}`;
  }
  return {
    facts:
      `{"pin":${pin},"name":{"familyName":${familyName},"middleName":${middleName},"givenName":${givenName}},` +
      `"sex":${sex},"dateOfBirth":${dateOfBirth},"placeOfBirth":{"provinceCode":${birthProvince},"detail":${birthDetail}},` +
      `"nationality":${nationality},"ethnicity":${ethnicity},"motherPin":${motherPin},"fatherPin":${fatherPin},` +
      `"permanentResidence":${residenceFacts},"dateOfDeath":${dateOfDeath}}`,
    data:
      `{"pin":${pin},"sex":${sex},"name":{"givenName":${givenName},"familyName":${familyName},"middleName":${middleName}},` +
      `"ethnicity":${ethnicity},"fatherPin":${fatherPin},"motherPin":${motherPin},"importedOn":${s(data.importedOn)},` +
      `"dateOfBirth":${dateOfBirth},"dateOfDeath":${dateOfDeath},"nationality":${nationality},` +
      `"placeOfBirth":{"detail":${birthDetail},"provinceCode":${birthProvince}},"permanentResidence":${residenceData}}`,
  };
}
