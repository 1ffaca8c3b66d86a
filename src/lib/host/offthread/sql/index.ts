export { createSqlService, type SqlService, type SqlServiceOptions } from './service.js';
export { parseSqlRequest, type ParsedSqlRequest, type SqlParam, type SqlRequest } from './request.js';
export { deniedSqlReason } from './deny.js';
export * from './limits.js';
