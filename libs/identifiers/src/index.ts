export * from './errors';
export * from './provinces';
export * from './personal-id';
export * from './enterprise-code';
export * from './insurance';
export * from './budget-unit';
export * from './land-parcel';
