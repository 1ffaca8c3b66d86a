// `owncast-plugin/testing` (package.json "exports"): the JS test API. See src/lib/testing/api.
export * from './lib/testing/api/index.js';
