/**
 * Streams.Read: finite reads of a stream or $all (forwards/backwards, count, filter) and
 * subscriptions to a stream or $all (confirmation, catch-up, caught-up, then live delivery;
 * checkpoints for filtered $all). The client reads through its native reader over a separate
 * HTTP/2 connection and subscribes through grpc-js; both arrive here.
 */
import { randomUUID } from 'node:crypto';
import type { handleServerStreamingCall, ServerWritableStream } from '@grpc/grpc-js';
import * as errors from './errors';
import { parseFilter, type RecordFilter } from './filter';
import type { InMemoryLog, StoredEvent } from './log';
import { positionOf, readEvent, streamIdentifier, streamNameOf } from './messages';
import { streams, Timestamp } from './proto';

export interface ReadContext {
  readonly log: InMemoryLog;
  /** Ends every open subscription; the server calls these when it stops. */
  readonly active: Set<() => void>;
}

type Call = ServerWritableStream<streams.ReadReq, streams.ReadResp>;
type Options = streams.ReadReq.Options;

const BACKWARDS = 1;

export function read(context: ReadContext): handleServerStreamingCall<streams.ReadReq, streams.ReadResp> {
  return (call) => {
    call.on('error', () => undefined);
    const options = call.request.getOptions();
    if (!options) return call.emit('error', errors.invalidArgument('Options are required.'));
    let filter: RecordFilter | undefined;
    if (options.hasFilter()) {
      const parsed = parseFilter(options.getFilter()!);
      if (parsed instanceof Error) return call.emit('error', parsed);
      filter = parsed;
    }
    const task = options.hasSubscription()
      ? subscribe(context, call, options, filter)
      : readOnce(context.log, call, options, filter);
    task.catch((error: unknown) => {
      if (isOpen(call)) call.emit('error', error instanceof Error ? error : new Error(String(error)));
    });
  };
}

function isOpen(call: Call): boolean {
  return !call.cancelled && !call.destroyed && !call.writableEnded;
}

/** Writes one message, waiting for the transport to drain so a slow reader is not flooded. */
async function send(call: Call, message: streams.ReadResp): Promise<boolean> {
  if (!isOpen(call)) return false;
  if (call.write(message)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      call.off('drain', done).off('close', done).off('cancelled', done);
      resolve();
    };
    call.on('drain', done).on('close', done).on('cancelled', done);
  });
  return isOpen(call);
}

const structuredIds = (options: Options) => options.getUuidOption()?.hasStructured() ?? false;

async function readOnce(
  log: InMemoryLog,
  call: Call,
  options: Options,
  filter: RecordFilter | undefined,
): Promise<void> {
  const backwards = options.getReadDirection() === BACKWARDS;
  let remaining = BigInt(options.getCount() || '0');
  const structured = structuredIds(options);
  const emit = async (event: StoredEvent) => {
    if (remaining <= 0n) return false;
    if (filter && !filter.matches(event)) return true;
    remaining -= 1n;
    return send(call, readEvent(event, structured));
  };

  if (options.hasStream()) {
    const streamOptions = options.getStream()!;
    const name = streamNameOf(streamOptions.getStreamIdentifier());
    const stream = log.stream(name);
    if (stream.tombstoned) return void call.emit('error', errors.streamDeleted(name));
    if (!stream.exists) {
      const notFound = new streams.ReadResp.StreamNotFound();
      notFound.setStreamIdentifier(streamIdentifier(name));
      await send(call, new streams.ReadResp().setStreamNotFound(notFound));
      return void call.end();
    }
    const last = BigInt(stream.events.length) - 1n;
    if (backwards) {
      let from = streamOptions.hasRevision() ? BigInt(streamOptions.getRevision()) : last;
      if (streamOptions.hasStart()) from = -1n; // backwards from the start reads nothing
      for (let revision = from > last ? last : from; revision >= stream.visibleFrom; revision -= 1n) {
        if (!(await emit(stream.events[Number(revision)]!))) break;
      }
    } else {
      let from = streamOptions.hasRevision() ? BigInt(streamOptions.getRevision()) : 0n;
      if (streamOptions.hasEnd()) from = last + 1n;
      if (from < stream.visibleFrom) from = stream.visibleFrom;
      for (let revision = from; revision <= last; revision += 1n) {
        if (!(await emit(stream.events[Number(revision)]!))) break;
      }
    }
    return void call.end();
  }

  const allOptions = options.getAll();
  const position = allOptions?.hasPosition() ? positionOf(allOptions.getPosition()!) : undefined;
  if (backwards) {
    // Backwards from a position: the records strictly before it.
    let index = allOptions?.hasStart() ? -1 : position ? log.indexAtOrAfter(position) - 1 : log.all.length - 1;
    for (; index >= 0; index -= 1) if (!(await emit(log.all[index]!))) break;
  } else {
    // Forwards from a position includes the record at that position, as the real server does.
    let index = allOptions?.hasEnd() ? log.all.length : position ? log.indexAtOrAfter(position) : 0;
    for (; index < log.all.length; index += 1) if (!(await emit(log.all[index]!))) break;
  }
  call.end();
}

async function subscribe(
  context: ReadContext,
  call: Call,
  options: Options,
  filter: RecordFilter | undefined,
): Promise<void> {
  const { log } = context;
  const structured = structuredIds(options);
  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  const unsubscribe = log.onWrite(() => wake?.());
  call.on('cancelled', stop).on('close', stop);
  context.active.add(stop);
  try {
    const confirmation = new streams.ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(randomUUID());
    if (!(await send(call, new streams.ReadResp().setConfirmation(confirmation)))) return;

    // Each source returns the records not yet seen; an empty batch means caught up.
    const source = options.hasStream() ? streamSource(log, options.getStream()!) : allSource(log, options.getAll());
    if (source instanceof Error) return void call.emit('error', source);
    let caughtUp = false;
    let scanned = 0;
    let lastScanned: StoredEvent | undefined;
    while (!stopped) {
      const batch = source();
      if (batch instanceof Error) return void call.emit('error', batch);
      for (const event of batch) {
        lastScanned = event;
        scanned += 1;
        if (!filter || filter.matches(event)) {
          if (!(await send(call, readEvent(event, structured)))) return;
        }
        if (filter && scanned >= filter.checkpointInterval) {
          scanned = 0;
          if (!(await send(call, checkpoint(event)))) return;
        }
      }
      if (batch.length > 0) continue;
      if (!caughtUp) {
        caughtUp = true;
        // Report how far the filter has searched, so a quiet filtered subscription can still save progress.
        if (filter && scanned > 0 && lastScanned) {
          scanned = 0;
          if (!(await send(call, checkpoint(lastScanned)))) return;
        }
        if (!(await send(call, caughtUpMessage(options, lastScanned, log)))) return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (stopped || source.pending()) resolve();
      });
      wake = undefined;
    }
  } finally {
    unsubscribe();
    context.active.delete(stop);
    call.off('cancelled', stop).off('close', stop);
    // Never ended gracefully: a subscription only stops when the client cancels or the server dies.
  }
}

type Source = (() => readonly StoredEvent[] | errors.GrpcError) & { pending(): boolean };

function streamSource(log: InMemoryLog, options: streams.ReadReq.Options.StreamOptions): Source | errors.GrpcError {
  const name = streamNameOf(options.getStreamIdentifier());
  const initial = log.stream(name);
  if (initial.tombstoned) return errors.streamDeleted(name);
  // From a revision is exclusive: the subscriber already has that event.
  let next = options.hasRevision()
    ? BigInt(options.getRevision()) + 1n
    : options.hasEnd()
      ? BigInt(initial.events.length)
      : 0n;
  const source = () => {
    const stream = log.stream(name);
    if (stream.tombstoned) return errors.streamDeleted(name);
    // Skip what a soft delete hid, but never past the end: a revived stream continues from there.
    if (next < stream.visibleFrom) next = bigMin(stream.visibleFrom, BigInt(stream.events.length));
    const batch = stream.events.slice(Number(next), Number(next) + 500);
    next += BigInt(batch.length);
    return batch;
  };
  return Object.assign(source, {
    pending: () => {
      const stream = log.stream(name);
      return stream.tombstoned || BigInt(stream.events.length) > next;
    },
  });
}

const bigMin = (a: bigint, b: bigint) => (a < b ? a : b);

function allSource(log: InMemoryLog, options: streams.ReadReq.Options.AllOptions | undefined): Source {
  // From a position is exclusive for subscriptions (unlike reads).
  let next = options?.hasPosition()
    ? log.indexAfter(positionOf(options.getPosition()!))
    : options?.hasEnd()
      ? log.all.length
      : 0;
  const source = () => {
    const batch = log.all.slice(next, next + 500);
    next += batch.length;
    return batch;
  };
  return Object.assign(source, { pending: () => log.all.length > next });
}

function checkpoint(event: StoredEvent): streams.ReadResp {
  const message = new streams.ReadResp.Checkpoint();
  message.setCommitPosition(event.commit.toString());
  message.setPreparePosition(event.prepare.toString());
  message.setTimestamp(Timestamp.fromDate(new Date()));
  return new streams.ReadResp().setCheckpoint(message);
}

function caughtUpMessage(options: Options, last: StoredEvent | undefined, log: InMemoryLog): streams.ReadResp {
  const message = new streams.ReadResp.CaughtUp();
  message.setTimestamp(Timestamp.fromDate(new Date()));
  if (options.hasStream()) {
    const stream = log.stream(streamNameOf(options.getStream()!.getStreamIdentifier()));
    if (stream.events.length > 0) message.setStreamRevision(String(stream.events.length - 1));
  } else {
    const at = last ?? log.all[log.all.length - 1];
    if (at) {
      const position = new streams.ReadResp.Position();
      position.setCommitPosition(at.commit.toString());
      position.setPreparePosition(at.prepare.toString());
      message.setPosition(position);
    }
  }
  return new streams.ReadResp().setCaughtUp(message);
}
