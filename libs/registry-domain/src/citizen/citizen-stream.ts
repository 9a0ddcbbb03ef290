import type { Pin } from '../pin/pin';

/** Every citizen's events live in one stream named after the PIN (DESIGN §3). The one place that knows the name. */
export const CITIZEN_STREAM_PREFIX = 'citizen-';

export function citizenStream(pin: Pin): string {
  return `${CITIZEN_STREAM_PREFIX}${pin}`;
}

export function isCitizenStream(streamId: string): boolean {
  return streamId.startsWith(CITIZEN_STREAM_PREFIX);
}

/** The PIN a citizen stream is named after. */
export function pinOfCitizenStream(streamId: string): Pin {
  return streamId.slice(CITIZEN_STREAM_PREFIX.length);
}
