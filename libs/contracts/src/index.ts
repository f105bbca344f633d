export * from './headers';
export * from './topics';
export * from './national-portal';
