/** Server-side $all filters: on stream name or event type, by prefixes or by regular expression. */
import * as errors from './errors';
import type { StoredEvent } from './log';
import type { streams } from './proto';

/** The server's search window when the client asks for `count` instead of a `max`. */
const DEFAULT_MAX_SEARCH_WINDOW = 32;

export interface RecordFilter {
  matches(event: StoredEvent): boolean;
  /** Records examined between two checkpoint messages of a filtered subscription. */
  readonly checkpointInterval: number;
}

export function parseFilter(options: streams.ReadReq.Options.FilterOptions): RecordFilter | errors.GrpcError {
  const onStream = options.hasStreamIdentifier();
  const expression = onStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expression) return errors.invalidArgument('A filter needs a stream identifier or an event type expression.');
  const prefixes = expression.getPrefixList();
  let regex: RegExp | undefined;
  if (prefixes.length === 0) {
    try {
      // .NET and JavaScript agree on the syntax filters use in practice (anchors, classes, alternation).
      regex = new RegExp(expression.getRegex());
    } catch {
      return errors.invalidArgument(`Invalid filter regex: ${expression.getRegex()}`);
    }
  }
  const window = options.hasMax() ? options.getMax() : DEFAULT_MAX_SEARCH_WINDOW;
  const multiplier = Math.max(1, options.getCheckpointintervalmultiplier());
  return {
    checkpointInterval: Math.max(1, window * multiplier),
    matches(event) {
      const subject = onStream ? event.streamId : event.type;
      if (prefixes.length > 0) return prefixes.some((prefix) => subject.startsWith(prefix));
      return regex!.test(subject);
    },
  };
}
