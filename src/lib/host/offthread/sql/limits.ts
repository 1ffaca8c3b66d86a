// storage.sql limits and the messages a plugin sees, as production has them (sqlrunner.go;
// shared/conformance/sql-deny-list.json "limits").

/** The raw request JSON, in UTF-8 bytes; it bounds the statement text with it. */
export const MAX_SQL_REQUEST_BYTES = 64 << 10;
export const MAX_SQL_PARAMS = 64;
/** Rows a query may return when the plugin does not ask for fewer (more is an error). */
export const MAX_SQL_ROWS = 10000;
/** One returned value, JSON-encoded. */
export const MAX_SQL_VALUE_BYTES = 1 << 20;
/** The whole encoded query result, truncation marker included. */
export const MAX_SQL_RESULT_BYTES = 1 << 20;
/** One exec or query, including the wait for the plugin's connection. */
export const SQL_CALL_TIMEOUT_MS = 2000;
/** The database file's cap (newest production docs): 128 MiB. */
export const MAX_SQL_DATABASE_BYTES = 128 << 20;

export const SQL_STORAGE_UNAVAILABLE = 'SQL storage unavailable';
/** What Go's database/sql reports when the call's context runs out. */
export const SQL_TIMEOUT_ERROR = 'context deadline exceeded';

export const sqlRowCapError = () => `SQL result exceeds ${MAX_SQL_ROWS} rows; add a LIMIT`;
export const sqlTooLargeError = (what: 'value' | 'result', limit: number) =>
  `SQL ${what} exceeds ${limit} bytes; add a LIMIT or select fewer columns`;
