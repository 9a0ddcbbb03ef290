import { MergedLookups } from './merged-lookups';

/** A query whose answers the test releases one at a time, recording the keys each was asked. */
function heldQueries() {
  const asked: string[][] = [];
  const pending: Array<{ keys: string[]; answer: () => void; fail: (error: Error) => void }> = [];
  const fetch = (keys: string[]) =>
    new Promise<Map<string, string>>((resolve, reject) => {
      asked.push(keys);
      pending.push({ keys, answer: () => resolve(new Map(keys.map((k) => [k, `record of ${k}`]))), fail: reject });
    });
  return { asked, pending, fetch };
}

/** A few event-loop turns: the queries the lookups so far lead to have gone out. */
const turn = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('MergedLookups', () => {
  it('sends the lookups of one turn as one query, each key once, and answers every caller', async () => {
    const queries = heldQueries();
    const lookups = new MergedLookups(queries.fetch, { maxInFlight: 2, maxKeys: 100 });
    const answers = Promise.all(['a', 'b', 'a', 'c'].map((key) => lookups.find(key)));
    await turn();
    expect(queries.asked).toEqual([['a', 'b', 'c']]);
    queries.pending[0].answer();
    expect(await answers).toEqual(['record of a', 'record of b', 'record of a', 'record of c']);
  });

  it('keeps at most maxInFlight queries running; lookups arriving meanwhile go into the next one together', async () => {
    const queries = heldQueries();
    const lookups = new MergedLookups(queries.fetch, { maxInFlight: 1, maxKeys: 100 });
    const first = lookups.find('a');
    await turn();
    const later = ['b', 'c', 'd'].map((key) => lookups.find(key));
    await turn();
    expect(queries.asked).toEqual([['a']]); // the one slot is busy: b, c and d wait
    queries.pending[0].answer();
    expect(await first).toBe('record of a');
    await turn();
    expect(queries.asked).toEqual([['a'], ['b', 'c', 'd']]);
    queries.pending[1].answer();
    expect(await Promise.all(later)).toEqual(['record of b', 'record of c', 'record of d']);
  });

  it('splits more keys than one query takes over the free slots', async () => {
    const queries = heldQueries();
    const lookups = new MergedLookups(queries.fetch, { maxInFlight: 3, maxKeys: 2 });
    const answers = Promise.all(['a', 'b', 'c', 'd', 'e'].map((key) => lookups.find(key)));
    await turn();
    expect(queries.asked).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    queries.pending.forEach((query) => query.answer());
    expect(await answers).toHaveLength(5);
  });

  it('answers undefined for a key the query did not find, and the query error to every caller of that query', async () => {
    const lookups = new MergedLookups(async (keys) => new Map(keys.filter((k) => k !== 'x').map((k) => [k, k])), {
      maxInFlight: 1,
      maxKeys: 10,
    });
    expect(await Promise.all([lookups.find('x'), lookups.find('y')])).toEqual([undefined, 'y']);
    const queries = heldQueries();
    const failing = new MergedLookups(queries.fetch, { maxInFlight: 1, maxKeys: 10 });
    const both = [failing.find('p'), failing.find('q')];
    await turn();
    queries.pending[0].fail(new Error('connection lost'));
    for (const answer of both) await expect(answer).rejects.toThrow('connection lost');
    const after = failing.find('r'); // the slot is free again after a failure
    await turn();
    queries.pending[1].answer();
    expect(await after).toBe('record of r');
  });

  it('is queued while lookups wait to go out, not while their query runs', async () => {
    const queries = heldQueries();
    const lookups = new MergedLookups(queries.fetch, { maxInFlight: 1, maxKeys: 10 });
    expect(lookups.queued).toBe(false);
    const first = lookups.find('a');
    expect(lookups.queued).toBe(true); // it goes out at the end of the turn
    await turn();
    expect(lookups.queued).toBe(false); // running
    const second = lookups.find('b');
    await turn();
    expect(lookups.queued).toBe(true); // the one slot is busy: b waits
    queries.pending[0].answer();
    await first;
    await turn();
    expect(lookups.queued).toBe(false);
    queries.pending[1].answer();
    expect(await second).toBe('record of b');
  });
});
