export * from './agency-code';
export * from './platform-config';
export * from './errors';
export * from './secrets';
export * from './access-control';
export * from './registry';
export * from './demo-config';
export { vietnameseSlug } from './vietnamese-slug';
export { describeInput, formatPath, humanZodMessage, joinPath } from './zod-issues';
