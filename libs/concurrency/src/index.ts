export { KeyedMutex } from './keyed-mutex';
export { backoffMs } from './backoff';
export { sleepUntilClosed } from './sleep-until-closed';
