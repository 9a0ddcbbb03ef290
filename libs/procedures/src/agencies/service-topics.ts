/** API.md: the registry asks on `registry.requests.<agencyId>.v1` and reads answers from `registry.replies.<agencyId>.v1`. */
export function requestTopic(agencyId: string): string {
  return `registry.requests.${agencyId}.v1`;
}

export function replyTopic(agencyId: string): string {
  return `registry.replies.${agencyId}.v1`;
}

/** Which agency serves which step (both services of Decree 63/2024 are the social security agency's). */
export const SERVICE_AGENCY = 'vss';
