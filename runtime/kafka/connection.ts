// The Kafka client behind the ports (ports.ts): the one line to change to put
// another client library behind them.
// Must never: hold logic — adapters live in their own modules.

export { connectKafka } from './kafkajs-connection.ts';
