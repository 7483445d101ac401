// Original file: proto/placement/mqtt.proto

export const MqttResourceType = {
  MQTT_RESOURCE_TYPE_UNSPECIFIED: 'MQTT_RESOURCE_TYPE_UNSPECIFIED',
  /**
   * key: client id. json: {brokerNodeId, connected, sessionExpiryIntervalSec, lastDisconnectAtMs?, protocolVersion?}
   */
  SESSION: 'SESSION',
  /**
   * key: client id. json: {subscriptions: [{topicFilter, qos, noLocal?, retainAsPublished?, retainHandling?, identifier?}]}
   */
  SUBSCRIPTION: 'SUBSCRIPTION',
  /**
   * key: topic name. json: {createdAtMs}
   */
  TOPIC: 'TOPIC',
  /**
   * key: topic name. json: {qos, properties?, retainedAtMs?}; payload: the message.
   */
  RETAINED_MESSAGE: 'RETAINED_MESSAGE',
  /**
   * key: client id. json: {topic, qos, retain, delayIntervalSec, properties?}; payload: the message.
   */
  WILL_MESSAGE: 'WILL_MESSAGE',
  /**
   * key: rule id. json: {action: "publish"|"subscribe"|"all", sourceTopic, destTopic, regex, priority?}
   */
  TOPIC_REWRITE_RULE: 'TOPIC_REWRITE_RULE',
  /**
   * key: rule id. json: {topicFilter, qos, noLocal?, retainAsPublished?, retainHandling?}
   */
  AUTO_SUBSCRIBE_RULE: 'AUTO_SUBSCRIBE_RULE',
  /**
   * key: shared-subscription group name. json: {brokerNodeId}
   */
  SHARED_GROUP_LEADER: 'SHARED_GROUP_LEADER',
} as const;

export type MqttResourceType =
  | 'MQTT_RESOURCE_TYPE_UNSPECIFIED'
  | 0
  /**
   * key: client id. json: {brokerNodeId, connected, sessionExpiryIntervalSec, lastDisconnectAtMs?, protocolVersion?}
   */
  | 'SESSION'
  | 1
  /**
   * key: client id. json: {subscriptions: [{topicFilter, qos, noLocal?, retainAsPublished?, retainHandling?, identifier?}]}
   */
  | 'SUBSCRIPTION'
  | 2
  /**
   * key: topic name. json: {createdAtMs}
   */
  | 'TOPIC'
  | 3
  /**
   * key: topic name. json: {qos, properties?, retainedAtMs?}; payload: the message.
   */
  | 'RETAINED_MESSAGE'
  | 4
  /**
   * key: client id. json: {topic, qos, retain, delayIntervalSec, properties?}; payload: the message.
   */
  | 'WILL_MESSAGE'
  | 5
  /**
   * key: rule id. json: {action: "publish"|"subscribe"|"all", sourceTopic, destTopic, regex, priority?}
   */
  | 'TOPIC_REWRITE_RULE'
  | 6
  /**
   * key: rule id. json: {topicFilter, qos, noLocal?, retainAsPublished?, retainHandling?}
   */
  | 'AUTO_SUBSCRIBE_RULE'
  | 7
  /**
   * key: shared-subscription group name. json: {brokerNodeId}
   */
  | 'SHARED_GROUP_LEADER'
  | 8

export type MqttResourceType__Output = typeof MqttResourceType[keyof typeof MqttResourceType]
