export { KafkaBroker, BrokerAddress } from './kafka-broker';
export { BrokerOptions, DEFAULT_LOG_CONFIG, InvalidBrokerOptionError, resolveBrokerOptions } from './broker-options';
export { BrokerLogger, silentLogger } from './broker-logger';
export { DataDirLockedError } from './log/data-dir-lock';
export { LogConfig } from './log/log-config';
export { ApiKey, SUPPORTED_VERSIONS } from './protocol/api-keys';
