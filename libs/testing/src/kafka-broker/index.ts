export {
  startKafkaTestBroker,
  type KafkaTestBroker,
  type KafkaTestBrokerOptions,
  type TestBrokerRecord,
} from './broker';
export { createFaultySockets, type FaultySockets } from './faulty-sockets';
