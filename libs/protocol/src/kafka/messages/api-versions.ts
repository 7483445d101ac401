// ApiVersions (key 18): what the broker speaks. Declared from Kafka's ApiVersionsRequest/Response.json, v0-3.
import { kafkaApi, struct } from '../schema.js';
import { errorCode, throttleTimeMs } from './shared-fields.js';

const apiVersions = kafkaApi('ApiVersions', 18, '0-3', '3+');

export const ApiVersionsRequest = apiVersions.request([
  { name: 'clientSoftwareName', type: 'string', versions: '3+' },
  { name: 'clientSoftwareVersion', type: 'string', versions: '3+' },
]);

export const ApiVersionsResponse = apiVersions.response([
  errorCode(),
  struct('apiKeys', '[]ApiVersion', '0+', [
    { name: 'apiKey', type: 'int16', versions: '0+' },
    { name: 'minVersion', type: 'int16', versions: '0+' },
    { name: 'maxVersion', type: 'int16', versions: '0+' },
  ]),
  throttleTimeMs('1+'),
  struct('supportedFeatures', '[]SupportedFeatureKey', '3+', { taggedVersions: '3+', tag: 0 }, [
    { name: 'name', type: 'string', versions: '3+' },
    { name: 'minVersion', type: 'int16', versions: '3+' },
    { name: 'maxVersion', type: 'int16', versions: '3+' },
  ]),
  {
    name: 'finalizedFeaturesEpoch',
    type: 'int64',
    versions: '3+',
    taggedVersions: '3+',
    tag: 1,
    default: -1,
  },
  struct('finalizedFeatures', '[]FinalizedFeatureKey', '3+', { taggedVersions: '3+', tag: 2 }, [
    { name: 'name', type: 'string', versions: '3+' },
    { name: 'maxVersionLevel', type: 'int16', versions: '3+' },
    { name: 'minVersionLevel', type: 'int16', versions: '3+' },
  ]),
  { name: 'zkMigrationReady', type: 'bool', versions: '3+', taggedVersions: '3+', tag: 3, default: false },
]);

export interface ApiVersionsResponseData {
  errorCode: number;
  apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[];
  throttleTimeMs: number;
}
