// SaslHandshake (17) and SaslAuthenticate (36): SASL mechanism choice and the exchange of SASL tokens inside Kafka
// frames (KIP-152). Declared from Kafka's SaslHandshake*.json v0-1 and SaslAuthenticate*.json v0-2 (v2 flexible).
import { kafkaApi } from '../schema.js';
import { errorCode, errorMessage } from './shared-fields.js';

const saslHandshake = kafkaApi('SaslHandshake', 17, '0-1', 'none');

export const SaslHandshakeRequest = saslHandshake.request([
  { name: 'mechanism', type: 'string', versions: '0+' },
]);

export const SaslHandshakeResponse = saslHandshake.response([
  errorCode(),
  { name: 'mechanisms', type: '[]string', versions: '0+' },
]);

const saslAuthenticate = kafkaApi('SaslAuthenticate', 36, '0-2', '2+');

export const SaslAuthenticateRequest = saslAuthenticate.request([
  { name: 'authBytes', type: 'bytes', versions: '0+' },
]);

export const SaslAuthenticateResponse = saslAuthenticate.response([
  errorCode(),
  errorMessage('0+'),
  { name: 'authBytes', type: 'bytes', versions: '0+' },
  { name: 'sessionLifetimeMs', type: 'int64', versions: '1+', default: 0 },
]);
