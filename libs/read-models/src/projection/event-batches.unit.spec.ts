import { setTimeout as sleep } from 'node:timers/promises';
import { batchesOf } from './event-batches';

async function* arriving(groups: number[][], pauseMs: number): AsyncGenerator<number> {
  for (const group of groups) {
    for (const item of group) yield item;
    await sleep(pauseMs);
  }
}

async function collect<T>(source: AsyncIterable<T[]>): Promise<T[][]> {
  const batches: T[][] = [];
  for await (const batch of source) batches.push(batch);
  return batches;
}

describe('batchesOf: batches of what has arrived', () => {
  it('closes a batch when the next event is not there yet', async () => {
    expect(await collect(batchesOf(arriving([[1, 2, 3], [4], [5, 6]], 20), 100))).toEqual([[1, 2, 3], [4], [5, 6]]);
  });

  it('never exceeds the maximum', async () => {
    expect(await collect(batchesOf(arriving([[1, 2, 3, 4, 5]], 5), 2))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('with a linger, keeps a live batch open for the events still coming, never past the maximum', async () => {
    const lingering = await collect(batchesOf(arriving([[1], [2], [3], [4, 5, 6]], 5), 4, 1000));
    expect(lingering).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    expect(await collect(batchesOf(arriving([[1], [2]], 50), 10, 10))).toEqual([[1], [2]]);
  });

  it('passes on a failure of the source', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      await sleep(5);
      throw new Error('connection lost');
    }
    await expect(collect(batchesOf(failing(), 10))).rejects.toThrow('connection lost');
  });
});
