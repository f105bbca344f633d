export * from './headers';
export * from './topics';
