export * from './procedure';
export * from './procedure-catalog';
export * from './procedure-catalog-error';
export * from './catalog-file';
export * from './demo-catalog';
