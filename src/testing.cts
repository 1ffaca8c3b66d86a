// `require("owncast-plugin/testing")` and `require("@owncast/plugin-sdk/testing")` (the
// reference SDK's test files are CommonJS): the same module as the ESM entry, loaded with
// Node's require() of ES modules (Node >= 20.19, the engines floor), so the API is synchronous
// to get and a test file's runScenarios calls are seen where they are made.
import api = require('./testing.js');
export = api;
