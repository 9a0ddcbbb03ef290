import type { ExpectedRevision } from './event-store.port';

/** Base of every typed error the port throws; adapters map their driver's errors onto these. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

export class WrongExpectedRevisionError extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId} is at ${String(actual)}, expected ${String(expected)}`);
  }
}

export class StreamNotFoundError extends EventStoreError {
  readonly code = 'STREAM_NOT_FOUND';
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} does not exist`);
  }
}

export class StreamDeletedError extends EventStoreError {
  readonly code = 'STREAM_DELETED';
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} has been deleted`);
  }
}

/** Some but not all of a retried append's event ids are already in the stream. */
export class PartialRetryError extends EventStoreError {
  readonly code = 'PARTIAL_RETRY';
  constructor(readonly streamId: string) {
    super(`Append to ${streamId} overlaps an earlier append only in part`);
  }
}

/** Malformed append or read: empty batch, bad revision, oversize event, bad stream name. */
export class InvalidEventStoreRequestError extends EventStoreError {
  readonly code = 'INVALID_REQUEST';
  constructor(message: string) {
    super(message);
  }
}
