// Original file: proto/mqtt/broker-inner.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteSessionReply as _robustmq_broker_DeleteSessionReply, DeleteSessionReply__Output as _robustmq_broker_DeleteSessionReply__Output } from '../../robustmq/broker/DeleteSessionReply.js';
import type { DeleteSessionRequest as _robustmq_broker_DeleteSessionRequest, DeleteSessionRequest__Output as _robustmq_broker_DeleteSessionRequest__Output } from '../../robustmq/broker/DeleteSessionRequest.js';
import type { SendLastWillReply as _robustmq_broker_SendLastWillReply, SendLastWillReply__Output as _robustmq_broker_SendLastWillReply__Output } from '../../robustmq/broker/SendLastWillReply.js';
import type { SendLastWillRequest as _robustmq_broker_SendLastWillRequest, SendLastWillRequest__Output as _robustmq_broker_SendLastWillRequest__Output } from '../../robustmq/broker/SendLastWillRequest.js';
import type { TakeOverSessionReply as _robustmq_broker_TakeOverSessionReply, TakeOverSessionReply__Output as _robustmq_broker_TakeOverSessionReply__Output } from '../../robustmq/broker/TakeOverSessionReply.js';
import type { TakeOverSessionRequest as _robustmq_broker_TakeOverSessionRequest, TakeOverSessionRequest__Output as _robustmq_broker_TakeOverSessionRequest__Output } from '../../robustmq/broker/TakeOverSessionRequest.js';

export interface BrokerInnerServiceClient extends grpc.Client {
  /**
   * Drops the state of an expired session on this broker: subscriptions, queued and in-flight messages, the stored
   * will and the session record. A session whose client is connected here is not touched (deleted = false).
   */
  DeleteSession(argument: _robustmq_broker_DeleteSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_DeleteSessionReply__Output>): grpc.ClientUnaryCall;
  DeleteSession(argument: _robustmq_broker_DeleteSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_broker_DeleteSessionReply__Output>): grpc.ClientUnaryCall;
  DeleteSession(argument: _robustmq_broker_DeleteSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_DeleteSessionReply__Output>): grpc.ClientUnaryCall;
  DeleteSession(argument: _robustmq_broker_DeleteSessionRequest, callback: grpc.requestCallback<_robustmq_broker_DeleteSessionReply__Output>): grpc.ClientUnaryCall;
  /**
   * Drops the state of an expired session on this broker: subscriptions, queued and in-flight messages, the stored
   * will and the session record. A session whose client is connected here is not touched (deleted = false).
   */
  deleteSession(argument: _robustmq_broker_DeleteSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_DeleteSessionReply__Output>): grpc.ClientUnaryCall;
  deleteSession(argument: _robustmq_broker_DeleteSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_broker_DeleteSessionReply__Output>): grpc.ClientUnaryCall;
  deleteSession(argument: _robustmq_broker_DeleteSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_DeleteSessionReply__Output>): grpc.ClientUnaryCall;
  deleteSession(argument: _robustmq_broker_DeleteSessionRequest, callback: grpc.requestCallback<_robustmq_broker_DeleteSessionReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Publishes `will` on this broker as if the client had published it: to subscribers here, into the message log
   * (so subscribers on other brokers and offline sessions get it) and, with retain, as the retained message.
   * Cancels a delayed will this broker still holds for the client (so it is not published twice).
   */
  SendLastWill(argument: _robustmq_broker_SendLastWillRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_SendLastWillReply__Output>): grpc.ClientUnaryCall;
  SendLastWill(argument: _robustmq_broker_SendLastWillRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_broker_SendLastWillReply__Output>): grpc.ClientUnaryCall;
  SendLastWill(argument: _robustmq_broker_SendLastWillRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_SendLastWillReply__Output>): grpc.ClientUnaryCall;
  SendLastWill(argument: _robustmq_broker_SendLastWillRequest, callback: grpc.requestCallback<_robustmq_broker_SendLastWillReply__Output>): grpc.ClientUnaryCall;
  /**
   * Publishes `will` on this broker as if the client had published it: to subscribers here, into the message log
   * (so subscribers on other brokers and offline sessions get it) and, with retain, as the retained message.
   * Cancels a delayed will this broker still holds for the client (so it is not published twice).
   */
  sendLastWill(argument: _robustmq_broker_SendLastWillRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_SendLastWillReply__Output>): grpc.ClientUnaryCall;
  sendLastWill(argument: _robustmq_broker_SendLastWillRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_broker_SendLastWillReply__Output>): grpc.ClientUnaryCall;
  sendLastWill(argument: _robustmq_broker_SendLastWillRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_SendLastWillReply__Output>): grpc.ClientUnaryCall;
  sendLastWill(argument: _robustmq_broker_SendLastWillRequest, callback: grpc.requestCallback<_robustmq_broker_SendLastWillReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Hands a persistent session to the calling broker, whose new connection has the session's client id: a
   * connection of the client here is closed (MQTT 5: DISCONNECT 0x8E Session taken over), the session's position in
   * the cluster's shared message log is committed, and the session's state is returned and dropped here.
   */
  TakeOverSession(argument: _robustmq_broker_TakeOverSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_TakeOverSessionReply__Output>): grpc.ClientUnaryCall;
  TakeOverSession(argument: _robustmq_broker_TakeOverSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_broker_TakeOverSessionReply__Output>): grpc.ClientUnaryCall;
  TakeOverSession(argument: _robustmq_broker_TakeOverSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_TakeOverSessionReply__Output>): grpc.ClientUnaryCall;
  TakeOverSession(argument: _robustmq_broker_TakeOverSessionRequest, callback: grpc.requestCallback<_robustmq_broker_TakeOverSessionReply__Output>): grpc.ClientUnaryCall;
  /**
   * Hands a persistent session to the calling broker, whose new connection has the session's client id: a
   * connection of the client here is closed (MQTT 5: DISCONNECT 0x8E Session taken over), the session's position in
   * the cluster's shared message log is committed, and the session's state is returned and dropped here.
   */
  takeOverSession(argument: _robustmq_broker_TakeOverSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_TakeOverSessionReply__Output>): grpc.ClientUnaryCall;
  takeOverSession(argument: _robustmq_broker_TakeOverSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_broker_TakeOverSessionReply__Output>): grpc.ClientUnaryCall;
  takeOverSession(argument: _robustmq_broker_TakeOverSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_broker_TakeOverSessionReply__Output>): grpc.ClientUnaryCall;
  takeOverSession(argument: _robustmq_broker_TakeOverSessionRequest, callback: grpc.requestCallback<_robustmq_broker_TakeOverSessionReply__Output>): grpc.ClientUnaryCall;
  
}

export interface BrokerInnerServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Drops the state of an expired session on this broker: subscriptions, queued and in-flight messages, the stored
   * will and the session record. A session whose client is connected here is not touched (deleted = false).
   */
  DeleteSession: grpc.handleUnaryCall<_robustmq_broker_DeleteSessionRequest__Output, _robustmq_broker_DeleteSessionReply>;
  
  /**
   * Publishes `will` on this broker as if the client had published it: to subscribers here, into the message log
   * (so subscribers on other brokers and offline sessions get it) and, with retain, as the retained message.
   * Cancels a delayed will this broker still holds for the client (so it is not published twice).
   */
  SendLastWill: grpc.handleUnaryCall<_robustmq_broker_SendLastWillRequest__Output, _robustmq_broker_SendLastWillReply>;
  
  /**
   * Hands a persistent session to the calling broker, whose new connection has the session's client id: a
   * connection of the client here is closed (MQTT 5: DISCONNECT 0x8E Session taken over), the session's position in
   * the cluster's shared message log is committed, and the session's state is returned and dropped here.
   */
  TakeOverSession: grpc.handleUnaryCall<_robustmq_broker_TakeOverSessionRequest__Output, _robustmq_broker_TakeOverSessionReply>;
  
}

export interface BrokerInnerServiceDefinition extends grpc.ServiceDefinition {
  DeleteSession: MethodDefinition<_robustmq_broker_DeleteSessionRequest, _robustmq_broker_DeleteSessionReply, _robustmq_broker_DeleteSessionRequest__Output, _robustmq_broker_DeleteSessionReply__Output>
  SendLastWill: MethodDefinition<_robustmq_broker_SendLastWillRequest, _robustmq_broker_SendLastWillReply, _robustmq_broker_SendLastWillRequest__Output, _robustmq_broker_SendLastWillReply__Output>
  TakeOverSession: MethodDefinition<_robustmq_broker_TakeOverSessionRequest, _robustmq_broker_TakeOverSessionReply, _robustmq_broker_TakeOverSessionRequest__Output, _robustmq_broker_TakeOverSessionReply__Output>
}
