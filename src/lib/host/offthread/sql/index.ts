export { createSqlService, type SqlInspector, type SqlService, type SqlServiceOptions } from './service.js';
export { INSPECT_CELL_BLOB_MAX, INSPECT_CELL_TEXT_MAX, MAX_INSPECT_ROWS } from './inspect.js';
export type { SqlCell, SqlColumnInfo, SqlInspectAnswer, SqlInspectRequest, SqlRowsPage, SqlTableInfo } from './protocol.js';
export { parseSqlRequest, type ParsedSqlRequest, type SqlParam, type SqlRequest } from './request.js';
export { deniedSqlReason } from './deny.js';
export * from './limits.js';
