// Original file: proto/mqtt/broker-inner.proto


export interface LastWill {
  /**
   * a topic name (no wildcards).
   */
  'topic'?: (string);
  'payload'?: (Buffer | Uint8Array | string);
  /**
   * 0, 1 or 2.
   */
  'qos'?: (number);
  'retain'?: (boolean);
  /**
   * MQTT 5 properties forwarded with the message as a JSON object (payloadFormatIndicator, messageExpiryInterval,
   * contentType, responseTopic, correlationData as {"$b": base64}, userProperties); empty for none.
   */
  'propertiesJson'?: (string);
}

export interface LastWill__Output {
  /**
   * a topic name (no wildcards).
   */
  'topic': (string);
  'payload': (Buffer);
  /**
   * 0, 1 or 2.
   */
  'qos': (number);
  'retain': (boolean);
  /**
   * MQTT 5 properties forwarded with the message as a JSON object (payloadFormatIndicator, messageExpiryInterval,
   * contentType, responseTopic, correlationData as {"$b": base64}, userProperties); empty for none.
   */
  'propertiesJson': (string);
}
