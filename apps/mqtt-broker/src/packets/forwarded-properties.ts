// Which MQTT 5 PUBLISH (and will) properties travel on to subscribers. Topic alias and subscription identifiers
// belong to one connection and never do.
import type { IConnectPacket, IPublishPacket } from '@robustmq/protocol';
import type { ForwardedProperties } from './outgoing-publish.js';

type IncomingProperties = IPublishPacket['properties'] | NonNullable<IConnectPacket['will']>['properties'];

/** The forwardable subset, or undefined when there is none (the common case: no object is kept per message). */
export function forwardedProperties(
  properties: IncomingProperties | undefined,
): ForwardedProperties | undefined {
  if (!properties) return undefined;
  const {
    payloadFormatIndicator,
    messageExpiryInterval,
    contentType,
    responseTopic,
    correlationData,
    userProperties,
  } = properties;
  if (
    payloadFormatIndicator === undefined &&
    messageExpiryInterval === undefined &&
    contentType === undefined &&
    responseTopic === undefined &&
    correlationData === undefined &&
    userProperties === undefined
  ) {
    return undefined;
  }
  const forwarded: ForwardedProperties = {};
  if (payloadFormatIndicator !== undefined) forwarded.payloadFormatIndicator = payloadFormatIndicator;
  if (messageExpiryInterval !== undefined) forwarded.messageExpiryInterval = messageExpiryInterval;
  if (contentType !== undefined) forwarded.contentType = contentType;
  if (responseTopic !== undefined) forwarded.responseTopic = responseTopic;
  if (correlationData !== undefined) forwarded.correlationData = correlationData;
  if (userProperties !== undefined) forwarded.userProperties = userProperties;
  return forwarded;
}
