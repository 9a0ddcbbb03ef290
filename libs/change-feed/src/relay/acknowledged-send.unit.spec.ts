import {
  Partitioners,
  type Message,
  type PartitionMetadata,
  type Producer,
  type ProducerBatch,
  type RecordMetadata,
} from 'kafkajs';
import { sendAcknowledged, TopicPartitions } from './acknowledged-send';

/**
 * What kafkajs 2.2.4's sendBatch answers after a leader change: success, without the partitions
 * whose retry it skipped (their new leader had already answered). Only this answer is scripted;
 * the relay's real sends against real brokers are in the kill and three-broker fault tests.
 */
function producerAnswering(skipFirst: ReadonlySet<string>): { producer: Producer; sent: ProducerBatch[] } {
  const sent: ProducerBatch[] = [];
  const sendBatch = (batch: ProducerBatch): Promise<RecordMetadata[]> => {
    sent.push(batch);
    const answers = (batch.topicMessages ?? []).flatMap(({ topic, messages }) =>
      [...new Set(messages.map((m) => m.partition!))].map((partition) => ({
        topicName: topic,
        partition,
        errorCode: 0,
      })),
    );
    return Promise.resolve(
      sent.length === 1 ? answers.filter((a) => !skipFirst.has(`${a.topicName}/${a.partition}`)) : answers,
    );
  };
  return { producer: { sendBatch } as unknown as Producer, sent };
}

const message = (key: string, partition: number): Message => ({ key, value: key, partition });

describe('sendAcknowledged', () => {
  it('sends again, alone and in order, the records of a partition Kafka did not acknowledge', async () => {
    const { producer, sent } = producerAnswering(new Set(['main/1']));
    const resent: string[][] = [];
    await sendAcknowledged(
      producer,
      [
        { topic: 'main', messages: [message('a', 0), message('b', 1), message('c', 1)] },
        { topic: 'vss', messages: [message('b', 1)] },
      ],
      (missing) => resent.push(missing),
    );
    expect(resent).toEqual([['main/1']]);
    expect(sent[1].topicMessages).toEqual([{ topic: 'main', messages: [message('b', 1), message('c', 1)] }]);
    expect(sent).toHaveLength(2);
  });

  it('sends once when every partition is acknowledged', async () => {
    const { producer, sent } = producerAnswering(new Set());
    await sendAcknowledged(producer, [{ topic: 'main', messages: [message('a', 0)] }], () => {
      throw new Error('nothing to resend');
    });
    expect(sent).toHaveLength(1);
  });
});

describe('TopicPartitions', () => {
  it('puts a PIN where kafkajs put its key before the relay named partitions (existing topics keep their PINs)', () => {
    const partitionMetadata: PartitionMetadata[] = [0, 1, 2, 3, 4, 5].map((partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    const partitions = new TopicPartitions(new Map([['main', partitionMetadata]]));
    const kafkajs = Partitioners.DefaultPartitioner();
    const pins = Array.from({ length: 200 }, (_, i) => `001224${String(i).padStart(6, '0')}`);
    for (const pin of pins)
      expect(partitions.partitionOf('main', Buffer.from(pin))).toBe(
        kafkajs({ topic: 'main', partitionMetadata, message: { key: Buffer.from(pin), value: null } }),
      );
    expect(new Set(pins.map((pin) => partitions.partitionOf('main', Buffer.from(pin)))).size).toBe(6);
    expect(() => partitions.partitionOf('unknown', Buffer.from('x'))).toThrow(/no partition metadata/);
  });
});
