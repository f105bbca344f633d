export * from './hash-chain';
export * from './message-log-record';
