export { createHttpService, type HttpRequest, type HttpResponse, type HttpResult, type HttpService, type HttpServiceOptions } from './service.js';
export { createHttpKernelOverrides, type HttpCaller } from './kernel.js';
export { hostAllowed } from './allowed-hosts.js';
export { MAX_HOPS, MAX_RESPONSE_BYTES } from './policy.js';
