/** Every procedure's events live in one stream named after its id (DESIGN §7). The one place that knows the name. */
export const PROCEDURE_STREAM_PREFIX = 'procedure-';

export function procedureStream(procedureId: string): string {
  return `${PROCEDURE_STREAM_PREFIX}${procedureId}`;
}

export function procedureIdOfStream(streamId: string): string | undefined {
  return streamId.startsWith(PROCEDURE_STREAM_PREFIX) ? streamId.slice(PROCEDURE_STREAM_PREFIX.length) : undefined;
}

/** A step's request keeps one id for the whole procedure (every retry reuses it); replies lead back by it. */
export function serviceRequestId(procedureId: string, step: string): string {
  return `${procedureId}.${step}`;
}

export function procedureIdOfRequest(requestId: string): string | undefined {
  const dot = requestId.lastIndexOf('.');
  return dot > 0 ? requestId.slice(0, dot) : undefined;
}
