export * from './checkpoint';
export * from './hash-chain';
export * from './message-log-record';
export * from './saved-head';
export * from './verify';
