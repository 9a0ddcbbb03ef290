import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { startKafkaTestBroker } from './index';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('scratch: assorted kafkajs features', async () => {
  const warnings: string[] = [];
  const broker = await startKafkaTestBroker({ autoCreateTopics: true, warn: (m) => warnings.push(m) });
  const kafka = new Kafka({ clientId: 'scratch', brokers: broker.brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();

  // auto-creation through metadata, plain producer, acks 1 and 0, gzip
  console.log('T', Date.now() % 100000, '// auto-creation through metadata, plain producer, acks 1 and 0, gzip');
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  await producer.send({ topic: 'auto', acks: 1, messages: [{ value: 'one', timestamp: '1000' }] });
  await producer.send({ topic: 'auto', acks: 0, messages: [{ value: 'two', timestamp: '2000' }] });
  await producer.send({ topic: 'auto', compression: CompressionTypes.GZIP, messages: [{ value: 'three', timestamp: '3000' }, { value: 'four', timestamp: '4000' }] });
  await sleep(100);
  console.log('records', (await broker.records('auto')).map((r) => `${r.partition}/${r.offset}/${r.value}/${r.timestamp}`));
  console.log('offsets', JSON.stringify(await admin.fetchTopicOffsets('auto')));
  console.log('by ts', JSON.stringify(await admin.fetchTopicOffsetsByTimestamp('auto', 2500)));

  // big message over the per-partition fetch limit
  console.log('T', Date.now() % 100000, '// big message over the per-partition fetch limit');
  await admin.createTopics({ topics: [{ topic: 'big', numPartitions: 1 }] });
  await producer.send({ topic: 'big', messages: [{ value: Buffer.alloc(2 * 1024 * 1024, 1) }, { value: 'small' }] });

  const consumer = kafka.consumer({ groupId: 'scratch-group', maxWaitTimeInMs: 300, maxBytesPerPartition: 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics: ['auto', 'big'], fromBeginning: true });
  const seen: string[] = [];
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const m of batch.messages) {
        seen.push(`${batch.topic}/${batch.partition}/${m.offset}/${m.value!.length > 100 ? 'BIG' : m.value}`);
        resolveOffset(m.offset);
      }
      await heartbeat();
    },
  });
  for (let i = 0; i < 100 && seen.length < 6; i++) await sleep(50);
  console.log('seen', seen);
  console.log('describe', JSON.stringify((await admin.describeGroups(['scratch-group'])).groups.map((g) => ({ ...g, members: g.members.map((m) => ({ id: m.memberId, c: m.clientId, a: m.memberAssignment.length })) }))));
  console.log('list', JSON.stringify(await admin.listGroups()));
  console.log('T', Date.now() % 100000, 'before disconnect');
  await consumer.disconnect();
  console.log('T', Date.now() % 100000, 'after disconnect');

  await admin.resetOffsets({ groupId: 'scratch-group', topic: 'big', earliest: true });
  console.log('after reset', JSON.stringify(await admin.fetchOffsets({ groupId: 'scratch-group', topics: ['big'] })));
  await admin.setOffsets({ groupId: 'scratch-group', topic: 'big', partitions: [{ partition: 0, offset: '1' }] });
  console.log('after set', JSON.stringify(await admin.fetchOffsets({ groupId: 'scratch-group', topics: ['big'] })));
  console.log('fetch all offsets', JSON.stringify(await admin.fetchOffsets({ groupId: 'scratch-group' })));

  // consumer starting at latest
  console.log('T', Date.now() % 100000, '// consumer starting at latest');
  const late = kafka.consumer({ groupId: 'late', maxWaitTimeInMs: 300 });
  await late.connect();
  await late.subscribe({ topic: 'big', fromBeginning: false });
  const lateSeen: string[] = [];
  await late.run({ eachMessage: async ({ message }) => { lateSeen.push(String(message.value)); } });
  await sleep(1500);
  await producer.send({ topic: 'big', messages: [{ value: 'fresh' }] });
  for (let i = 0; i < 40 && lateSeen.length < 1; i++) await sleep(50);
  console.log('late', lateSeen);
  await late.disconnect();

  // transactional producer is refused
  console.log('T', Date.now() % 100000, '// transactional producer is refused');
  const tx = kafka.producer({ transactionalId: 'tx', idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 50 } });
  await tx.connect();
  console.log('tx', await tx.transaction().then(() => 'ok', (e: Error) => e.message));
  await tx.disconnect();

  await admin.deleteTopics({ topics: ['big'] });
  console.log('offsets after delete', JSON.stringify(await admin.fetchOffsets({ groupId: 'scratch-group' })));
  await producer.disconnect();
  await admin.disconnect();
  await broker.stop();
  console.log('warnings', warnings);
});
