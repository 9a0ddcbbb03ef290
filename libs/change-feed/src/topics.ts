/** Topic names of API.md "Change feeds". */
export const CITIZEN_EVENTS_TOPIC = 'registry.citizen-events.v1';

export function agencyTopic(agencyId: string): string {
  return `registry.agency.${agencyId}.v1`;
}

/** Only citizen streams feed the topics (procedure streams are the registry's own business). */
export { CITIZEN_STREAM_PREFIX } from '@registry/domain';
