// ApiVersions: the APIs and versions this broker offers (KIP-35). A request newer than v3 is answered in v0 with
// UNSUPPORTED_VERSION and the list (KIP-511), which the connection does before it gets here.
import { ApiKey, ErrorCode, type ApiVersionsResponseData } from '@robustmq/protocol/kafka';
import { apiHandler } from './context.js';

export const apiVersions = apiHandler(ApiKey.ApiVersions, async (ctx) => {
  const response: ApiVersionsResponseData = {
    errorCode: ErrorCode.NONE,
    apiKeys: ctx.apiVersions(),
    throttleTimeMs: 0,
  };
  return { ...response };
});
