export { KeyedMutex } from './keyed-mutex';
export { backoffMs } from './backoff';
