export { startKafkaCluster, KafkaNode, type KafkaCluster, type KafkaClusterOptions } from './kafka-cluster';
export { kafkaVersion } from './kafka-runtime';
export { testBrokers, type TestBrokerState } from './test-broker-handshake';
