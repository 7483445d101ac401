// Original file: proto/placement/mqtt.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AuthenticateUserReply as _robustmq_placement_AuthenticateUserReply, AuthenticateUserReply__Output as _robustmq_placement_AuthenticateUserReply__Output } from '../../robustmq/placement/AuthenticateUserReply.js';
import type { AuthenticateUserRequest as _robustmq_placement_AuthenticateUserRequest, AuthenticateUserRequest__Output as _robustmq_placement_AuthenticateUserRequest__Output } from '../../robustmq/placement/AuthenticateUserRequest.js';
import type { CreateAclRuleReply as _robustmq_placement_CreateAclRuleReply, CreateAclRuleReply__Output as _robustmq_placement_CreateAclRuleReply__Output } from '../../robustmq/placement/CreateAclRuleReply.js';
import type { CreateAclRuleRequest as _robustmq_placement_CreateAclRuleRequest, CreateAclRuleRequest__Output as _robustmq_placement_CreateAclRuleRequest__Output } from '../../robustmq/placement/CreateAclRuleRequest.js';
import type { CreateBlacklistEntryReply as _robustmq_placement_CreateBlacklistEntryReply, CreateBlacklistEntryReply__Output as _robustmq_placement_CreateBlacklistEntryReply__Output } from '../../robustmq/placement/CreateBlacklistEntryReply.js';
import type { CreateBlacklistEntryRequest as _robustmq_placement_CreateBlacklistEntryRequest, CreateBlacklistEntryRequest__Output as _robustmq_placement_CreateBlacklistEntryRequest__Output } from '../../robustmq/placement/CreateBlacklistEntryRequest.js';
import type { CreateUserReply as _robustmq_placement_CreateUserReply, CreateUserReply__Output as _robustmq_placement_CreateUserReply__Output } from '../../robustmq/placement/CreateUserReply.js';
import type { CreateUserRequest as _robustmq_placement_CreateUserRequest, CreateUserRequest__Output as _robustmq_placement_CreateUserRequest__Output } from '../../robustmq/placement/CreateUserRequest.js';
import type { DeleteAclRuleReply as _robustmq_placement_DeleteAclRuleReply, DeleteAclRuleReply__Output as _robustmq_placement_DeleteAclRuleReply__Output } from '../../robustmq/placement/DeleteAclRuleReply.js';
import type { DeleteAclRuleRequest as _robustmq_placement_DeleteAclRuleRequest, DeleteAclRuleRequest__Output as _robustmq_placement_DeleteAclRuleRequest__Output } from '../../robustmq/placement/DeleteAclRuleRequest.js';
import type { DeleteBlacklistEntryReply as _robustmq_placement_DeleteBlacklistEntryReply, DeleteBlacklistEntryReply__Output as _robustmq_placement_DeleteBlacklistEntryReply__Output } from '../../robustmq/placement/DeleteBlacklistEntryReply.js';
import type { DeleteBlacklistEntryRequest as _robustmq_placement_DeleteBlacklistEntryRequest, DeleteBlacklistEntryRequest__Output as _robustmq_placement_DeleteBlacklistEntryRequest__Output } from '../../robustmq/placement/DeleteBlacklistEntryRequest.js';
import type { DeleteResourceReply as _robustmq_placement_DeleteResourceReply, DeleteResourceReply__Output as _robustmq_placement_DeleteResourceReply__Output } from '../../robustmq/placement/DeleteResourceReply.js';
import type { DeleteResourceRequest as _robustmq_placement_DeleteResourceRequest, DeleteResourceRequest__Output as _robustmq_placement_DeleteResourceRequest__Output } from '../../robustmq/placement/DeleteResourceRequest.js';
import type { DeleteUserReply as _robustmq_placement_DeleteUserReply, DeleteUserReply__Output as _robustmq_placement_DeleteUserReply__Output } from '../../robustmq/placement/DeleteUserReply.js';
import type { DeleteUserRequest as _robustmq_placement_DeleteUserRequest, DeleteUserRequest__Output as _robustmq_placement_DeleteUserRequest__Output } from '../../robustmq/placement/DeleteUserRequest.js';
import type { GetResourceReply as _robustmq_placement_GetResourceReply, GetResourceReply__Output as _robustmq_placement_GetResourceReply__Output } from '../../robustmq/placement/GetResourceReply.js';
import type { GetResourceRequest as _robustmq_placement_GetResourceRequest, GetResourceRequest__Output as _robustmq_placement_GetResourceRequest__Output } from '../../robustmq/placement/GetResourceRequest.js';
import type { GetScramCredentialReply as _robustmq_placement_GetScramCredentialReply, GetScramCredentialReply__Output as _robustmq_placement_GetScramCredentialReply__Output } from '../../robustmq/placement/GetScramCredentialReply.js';
import type { GetScramCredentialRequest as _robustmq_placement_GetScramCredentialRequest, GetScramCredentialRequest__Output as _robustmq_placement_GetScramCredentialRequest__Output } from '../../robustmq/placement/GetScramCredentialRequest.js';
import type { GetShareSubLeaderReply as _robustmq_placement_GetShareSubLeaderReply, GetShareSubLeaderReply__Output as _robustmq_placement_GetShareSubLeaderReply__Output } from '../../robustmq/placement/GetShareSubLeaderReply.js';
import type { GetShareSubLeaderRequest as _robustmq_placement_GetShareSubLeaderRequest, GetShareSubLeaderRequest__Output as _robustmq_placement_GetShareSubLeaderRequest__Output } from '../../robustmq/placement/GetShareSubLeaderRequest.js';
import type { GetUserReply as _robustmq_placement_GetUserReply, GetUserReply__Output as _robustmq_placement_GetUserReply__Output } from '../../robustmq/placement/GetUserReply.js';
import type { GetUserRequest as _robustmq_placement_GetUserRequest, GetUserRequest__Output as _robustmq_placement_GetUserRequest__Output } from '../../robustmq/placement/GetUserRequest.js';
import type { ListAclRulesReply as _robustmq_placement_ListAclRulesReply, ListAclRulesReply__Output as _robustmq_placement_ListAclRulesReply__Output } from '../../robustmq/placement/ListAclRulesReply.js';
import type { ListAclRulesRequest as _robustmq_placement_ListAclRulesRequest, ListAclRulesRequest__Output as _robustmq_placement_ListAclRulesRequest__Output } from '../../robustmq/placement/ListAclRulesRequest.js';
import type { ListBlacklistReply as _robustmq_placement_ListBlacklistReply, ListBlacklistReply__Output as _robustmq_placement_ListBlacklistReply__Output } from '../../robustmq/placement/ListBlacklistReply.js';
import type { ListBlacklistRequest as _robustmq_placement_ListBlacklistRequest, ListBlacklistRequest__Output as _robustmq_placement_ListBlacklistRequest__Output } from '../../robustmq/placement/ListBlacklistRequest.js';
import type { ListResourcesReply as _robustmq_placement_ListResourcesReply, ListResourcesReply__Output as _robustmq_placement_ListResourcesReply__Output } from '../../robustmq/placement/ListResourcesReply.js';
import type { ListResourcesRequest as _robustmq_placement_ListResourcesRequest, ListResourcesRequest__Output as _robustmq_placement_ListResourcesRequest__Output } from '../../robustmq/placement/ListResourcesRequest.js';
import type { ListUsersReply as _robustmq_placement_ListUsersReply, ListUsersReply__Output as _robustmq_placement_ListUsersReply__Output } from '../../robustmq/placement/ListUsersReply.js';
import type { ListUsersRequest as _robustmq_placement_ListUsersRequest, ListUsersRequest__Output as _robustmq_placement_ListUsersRequest__Output } from '../../robustmq/placement/ListUsersRequest.js';
import type { PutResourceReply as _robustmq_placement_PutResourceReply, PutResourceReply__Output as _robustmq_placement_PutResourceReply__Output } from '../../robustmq/placement/PutResourceReply.js';
import type { PutResourceRequest as _robustmq_placement_PutResourceRequest, PutResourceRequest__Output as _robustmq_placement_PutResourceRequest__Output } from '../../robustmq/placement/PutResourceRequest.js';
import type { UpdateUserReply as _robustmq_placement_UpdateUserReply, UpdateUserReply__Output as _robustmq_placement_UpdateUserReply__Output } from '../../robustmq/placement/UpdateUserReply.js';
import type { UpdateUserRequest as _robustmq_placement_UpdateUserRequest, UpdateUserRequest__Output as _robustmq_placement_UpdateUserRequest__Output } from '../../robustmq/placement/UpdateUserRequest.js';

export interface MqttServiceClient extends grpc.Client {
  /**
   * Checks a username/password pair (for brokers). Unknown users and wrong passwords both answer authenticated = false.
   */
  AuthenticateUser(argument: _robustmq_placement_AuthenticateUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_AuthenticateUserReply__Output>): grpc.ClientUnaryCall;
  AuthenticateUser(argument: _robustmq_placement_AuthenticateUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_AuthenticateUserReply__Output>): grpc.ClientUnaryCall;
  AuthenticateUser(argument: _robustmq_placement_AuthenticateUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_AuthenticateUserReply__Output>): grpc.ClientUnaryCall;
  AuthenticateUser(argument: _robustmq_placement_AuthenticateUserRequest, callback: grpc.requestCallback<_robustmq_placement_AuthenticateUserReply__Output>): grpc.ClientUnaryCall;
  /**
   * Checks a username/password pair (for brokers). Unknown users and wrong passwords both answer authenticated = false.
   */
  authenticateUser(argument: _robustmq_placement_AuthenticateUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_AuthenticateUserReply__Output>): grpc.ClientUnaryCall;
  authenticateUser(argument: _robustmq_placement_AuthenticateUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_AuthenticateUserReply__Output>): grpc.ClientUnaryCall;
  authenticateUser(argument: _robustmq_placement_AuthenticateUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_AuthenticateUserReply__Output>): grpc.ClientUnaryCall;
  authenticateUser(argument: _robustmq_placement_AuthenticateUserRequest, callback: grpc.requestCallback<_robustmq_placement_AuthenticateUserReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Fails with ALREADY_EXISTS when a rule with the id exists; an empty id is assigned by placement.
   */
  CreateAclRule(argument: _robustmq_placement_CreateAclRuleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateAclRuleReply__Output>): grpc.ClientUnaryCall;
  CreateAclRule(argument: _robustmq_placement_CreateAclRuleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CreateAclRuleReply__Output>): grpc.ClientUnaryCall;
  CreateAclRule(argument: _robustmq_placement_CreateAclRuleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateAclRuleReply__Output>): grpc.ClientUnaryCall;
  CreateAclRule(argument: _robustmq_placement_CreateAclRuleRequest, callback: grpc.requestCallback<_robustmq_placement_CreateAclRuleReply__Output>): grpc.ClientUnaryCall;
  /**
   * Fails with ALREADY_EXISTS when a rule with the id exists; an empty id is assigned by placement.
   */
  createAclRule(argument: _robustmq_placement_CreateAclRuleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateAclRuleReply__Output>): grpc.ClientUnaryCall;
  createAclRule(argument: _robustmq_placement_CreateAclRuleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CreateAclRuleReply__Output>): grpc.ClientUnaryCall;
  createAclRule(argument: _robustmq_placement_CreateAclRuleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateAclRuleReply__Output>): grpc.ClientUnaryCall;
  createAclRule(argument: _robustmq_placement_CreateAclRuleRequest, callback: grpc.requestCallback<_robustmq_placement_CreateAclRuleReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Adds an entry, or replaces the entry with the same type and value (e.g. to change its expiry).
   */
  CreateBlacklistEntry(argument: _robustmq_placement_CreateBlacklistEntryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  CreateBlacklistEntry(argument: _robustmq_placement_CreateBlacklistEntryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CreateBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  CreateBlacklistEntry(argument: _robustmq_placement_CreateBlacklistEntryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  CreateBlacklistEntry(argument: _robustmq_placement_CreateBlacklistEntryRequest, callback: grpc.requestCallback<_robustmq_placement_CreateBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  /**
   * Adds an entry, or replaces the entry with the same type and value (e.g. to change its expiry).
   */
  createBlacklistEntry(argument: _robustmq_placement_CreateBlacklistEntryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  createBlacklistEntry(argument: _robustmq_placement_CreateBlacklistEntryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CreateBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  createBlacklistEntry(argument: _robustmq_placement_CreateBlacklistEntryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  createBlacklistEntry(argument: _robustmq_placement_CreateBlacklistEntryRequest, callback: grpc.requestCallback<_robustmq_placement_CreateBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Fails with ALREADY_EXISTS when the username is taken.
   */
  CreateUser(argument: _robustmq_placement_CreateUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateUserReply__Output>): grpc.ClientUnaryCall;
  CreateUser(argument: _robustmq_placement_CreateUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CreateUserReply__Output>): grpc.ClientUnaryCall;
  CreateUser(argument: _robustmq_placement_CreateUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateUserReply__Output>): grpc.ClientUnaryCall;
  CreateUser(argument: _robustmq_placement_CreateUserRequest, callback: grpc.requestCallback<_robustmq_placement_CreateUserReply__Output>): grpc.ClientUnaryCall;
  /**
   * Fails with ALREADY_EXISTS when the username is taken.
   */
  createUser(argument: _robustmq_placement_CreateUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateUserReply__Output>): grpc.ClientUnaryCall;
  createUser(argument: _robustmq_placement_CreateUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CreateUserReply__Output>): grpc.ClientUnaryCall;
  createUser(argument: _robustmq_placement_CreateUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateUserReply__Output>): grpc.ClientUnaryCall;
  createUser(argument: _robustmq_placement_CreateUserRequest, callback: grpc.requestCallback<_robustmq_placement_CreateUserReply__Output>): grpc.ClientUnaryCall;
  
  DeleteAclRule(argument: _robustmq_placement_DeleteAclRuleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteAclRuleReply__Output>): grpc.ClientUnaryCall;
  DeleteAclRule(argument: _robustmq_placement_DeleteAclRuleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteAclRuleReply__Output>): grpc.ClientUnaryCall;
  DeleteAclRule(argument: _robustmq_placement_DeleteAclRuleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteAclRuleReply__Output>): grpc.ClientUnaryCall;
  DeleteAclRule(argument: _robustmq_placement_DeleteAclRuleRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteAclRuleReply__Output>): grpc.ClientUnaryCall;
  deleteAclRule(argument: _robustmq_placement_DeleteAclRuleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteAclRuleReply__Output>): grpc.ClientUnaryCall;
  deleteAclRule(argument: _robustmq_placement_DeleteAclRuleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteAclRuleReply__Output>): grpc.ClientUnaryCall;
  deleteAclRule(argument: _robustmq_placement_DeleteAclRuleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteAclRuleReply__Output>): grpc.ClientUnaryCall;
  deleteAclRule(argument: _robustmq_placement_DeleteAclRuleRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteAclRuleReply__Output>): grpc.ClientUnaryCall;
  
  DeleteBlacklistEntry(argument: _robustmq_placement_DeleteBlacklistEntryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  DeleteBlacklistEntry(argument: _robustmq_placement_DeleteBlacklistEntryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  DeleteBlacklistEntry(argument: _robustmq_placement_DeleteBlacklistEntryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  DeleteBlacklistEntry(argument: _robustmq_placement_DeleteBlacklistEntryRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  deleteBlacklistEntry(argument: _robustmq_placement_DeleteBlacklistEntryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  deleteBlacklistEntry(argument: _robustmq_placement_DeleteBlacklistEntryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  deleteBlacklistEntry(argument: _robustmq_placement_DeleteBlacklistEntryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  deleteBlacklistEntry(argument: _robustmq_placement_DeleteBlacklistEntryRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteBlacklistEntryReply__Output>): grpc.ClientUnaryCall;
  
  DeleteResource(argument: _robustmq_placement_DeleteResourceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteResourceReply__Output>): grpc.ClientUnaryCall;
  DeleteResource(argument: _robustmq_placement_DeleteResourceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteResourceReply__Output>): grpc.ClientUnaryCall;
  DeleteResource(argument: _robustmq_placement_DeleteResourceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteResourceReply__Output>): grpc.ClientUnaryCall;
  DeleteResource(argument: _robustmq_placement_DeleteResourceRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteResourceReply__Output>): grpc.ClientUnaryCall;
  deleteResource(argument: _robustmq_placement_DeleteResourceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteResourceReply__Output>): grpc.ClientUnaryCall;
  deleteResource(argument: _robustmq_placement_DeleteResourceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteResourceReply__Output>): grpc.ClientUnaryCall;
  deleteResource(argument: _robustmq_placement_DeleteResourceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteResourceReply__Output>): grpc.ClientUnaryCall;
  deleteResource(argument: _robustmq_placement_DeleteResourceRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteResourceReply__Output>): grpc.ClientUnaryCall;
  
  DeleteUser(argument: _robustmq_placement_DeleteUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteUserReply__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _robustmq_placement_DeleteUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteUserReply__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _robustmq_placement_DeleteUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteUserReply__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _robustmq_placement_DeleteUserRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteUserReply__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _robustmq_placement_DeleteUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteUserReply__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _robustmq_placement_DeleteUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteUserReply__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _robustmq_placement_DeleteUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteUserReply__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _robustmq_placement_DeleteUserRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteUserReply__Output>): grpc.ClientUnaryCall;
  
  GetResource(argument: _robustmq_placement_GetResourceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetResourceReply__Output>): grpc.ClientUnaryCall;
  GetResource(argument: _robustmq_placement_GetResourceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetResourceReply__Output>): grpc.ClientUnaryCall;
  GetResource(argument: _robustmq_placement_GetResourceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetResourceReply__Output>): grpc.ClientUnaryCall;
  GetResource(argument: _robustmq_placement_GetResourceRequest, callback: grpc.requestCallback<_robustmq_placement_GetResourceReply__Output>): grpc.ClientUnaryCall;
  getResource(argument: _robustmq_placement_GetResourceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetResourceReply__Output>): grpc.ClientUnaryCall;
  getResource(argument: _robustmq_placement_GetResourceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetResourceReply__Output>): grpc.ClientUnaryCall;
  getResource(argument: _robustmq_placement_GetResourceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetResourceReply__Output>): grpc.ClientUnaryCall;
  getResource(argument: _robustmq_placement_GetResourceRequest, callback: grpc.requestCallback<_robustmq_placement_GetResourceReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * For Kafka brokers' SASL/SCRAM: a user's salted SCRAM keys for one mechanism (never the password); found = false
   * for an unknown user or one whose password was set before SCRAM keys were kept (set it again).
   */
  GetScramCredential(argument: _robustmq_placement_GetScramCredentialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetScramCredentialReply__Output>): grpc.ClientUnaryCall;
  GetScramCredential(argument: _robustmq_placement_GetScramCredentialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetScramCredentialReply__Output>): grpc.ClientUnaryCall;
  GetScramCredential(argument: _robustmq_placement_GetScramCredentialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetScramCredentialReply__Output>): grpc.ClientUnaryCall;
  GetScramCredential(argument: _robustmq_placement_GetScramCredentialRequest, callback: grpc.requestCallback<_robustmq_placement_GetScramCredentialReply__Output>): grpc.ClientUnaryCall;
  /**
   * For Kafka brokers' SASL/SCRAM: a user's salted SCRAM keys for one mechanism (never the password); found = false
   * for an unknown user or one whose password was set before SCRAM keys were kept (set it again).
   */
  getScramCredential(argument: _robustmq_placement_GetScramCredentialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetScramCredentialReply__Output>): grpc.ClientUnaryCall;
  getScramCredential(argument: _robustmq_placement_GetScramCredentialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetScramCredentialReply__Output>): grpc.ClientUnaryCall;
  getScramCredential(argument: _robustmq_placement_GetScramCredentialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetScramCredentialReply__Output>): grpc.ClientUnaryCall;
  getScramCredential(argument: _robustmq_placement_GetScramCredentialRequest, callback: grpc.requestCallback<_robustmq_placement_GetScramCredentialReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * The broker that leads a shared-subscription group ($share/<group>/...), served by the placement leader: the one
   * recorded (SHARED_GROUP_LEADER) while it is a registered MQTT broker; otherwise a registered broker is chosen now —
   * the one leading the fewest groups, ties to the lowest node id — and recorded through Raft before the answer.
   * When a leader broker expires or unregisters, placement moves its groups to the other brokers by itself.
   * FAILED_PRECONDITION when no MQTT broker is registered; INVALID_ARGUMENT for an empty group name or one with '/'
   * or whitespace.
   */
  GetShareSubLeader(argument: _robustmq_placement_GetShareSubLeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetShareSubLeaderReply__Output>): grpc.ClientUnaryCall;
  GetShareSubLeader(argument: _robustmq_placement_GetShareSubLeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetShareSubLeaderReply__Output>): grpc.ClientUnaryCall;
  GetShareSubLeader(argument: _robustmq_placement_GetShareSubLeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetShareSubLeaderReply__Output>): grpc.ClientUnaryCall;
  GetShareSubLeader(argument: _robustmq_placement_GetShareSubLeaderRequest, callback: grpc.requestCallback<_robustmq_placement_GetShareSubLeaderReply__Output>): grpc.ClientUnaryCall;
  /**
   * The broker that leads a shared-subscription group ($share/<group>/...), served by the placement leader: the one
   * recorded (SHARED_GROUP_LEADER) while it is a registered MQTT broker; otherwise a registered broker is chosen now —
   * the one leading the fewest groups, ties to the lowest node id — and recorded through Raft before the answer.
   * When a leader broker expires or unregisters, placement moves its groups to the other brokers by itself.
   * FAILED_PRECONDITION when no MQTT broker is registered; INVALID_ARGUMENT for an empty group name or one with '/'
   * or whitespace.
   */
  getShareSubLeader(argument: _robustmq_placement_GetShareSubLeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetShareSubLeaderReply__Output>): grpc.ClientUnaryCall;
  getShareSubLeader(argument: _robustmq_placement_GetShareSubLeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetShareSubLeaderReply__Output>): grpc.ClientUnaryCall;
  getShareSubLeader(argument: _robustmq_placement_GetShareSubLeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetShareSubLeaderReply__Output>): grpc.ClientUnaryCall;
  getShareSubLeader(argument: _robustmq_placement_GetShareSubLeaderRequest, callback: grpc.requestCallback<_robustmq_placement_GetShareSubLeaderReply__Output>): grpc.ClientUnaryCall;
  
  GetUser(argument: _robustmq_placement_GetUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetUserReply__Output>): grpc.ClientUnaryCall;
  GetUser(argument: _robustmq_placement_GetUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetUserReply__Output>): grpc.ClientUnaryCall;
  GetUser(argument: _robustmq_placement_GetUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetUserReply__Output>): grpc.ClientUnaryCall;
  GetUser(argument: _robustmq_placement_GetUserRequest, callback: grpc.requestCallback<_robustmq_placement_GetUserReply__Output>): grpc.ClientUnaryCall;
  getUser(argument: _robustmq_placement_GetUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetUserReply__Output>): grpc.ClientUnaryCall;
  getUser(argument: _robustmq_placement_GetUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetUserReply__Output>): grpc.ClientUnaryCall;
  getUser(argument: _robustmq_placement_GetUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetUserReply__Output>): grpc.ClientUnaryCall;
  getUser(argument: _robustmq_placement_GetUserRequest, callback: grpc.requestCallback<_robustmq_placement_GetUserReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every rule, in evaluation order: priority ascending, then id.
   */
  ListAclRules(argument: _robustmq_placement_ListAclRulesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListAclRulesReply__Output>): grpc.ClientUnaryCall;
  ListAclRules(argument: _robustmq_placement_ListAclRulesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListAclRulesReply__Output>): grpc.ClientUnaryCall;
  ListAclRules(argument: _robustmq_placement_ListAclRulesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListAclRulesReply__Output>): grpc.ClientUnaryCall;
  ListAclRules(argument: _robustmq_placement_ListAclRulesRequest, callback: grpc.requestCallback<_robustmq_placement_ListAclRulesReply__Output>): grpc.ClientUnaryCall;
  /**
   * Every rule, in evaluation order: priority ascending, then id.
   */
  listAclRules(argument: _robustmq_placement_ListAclRulesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListAclRulesReply__Output>): grpc.ClientUnaryCall;
  listAclRules(argument: _robustmq_placement_ListAclRulesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListAclRulesReply__Output>): grpc.ClientUnaryCall;
  listAclRules(argument: _robustmq_placement_ListAclRulesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListAclRulesReply__Output>): grpc.ClientUnaryCall;
  listAclRules(argument: _robustmq_placement_ListAclRulesRequest, callback: grpc.requestCallback<_robustmq_placement_ListAclRulesReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every entry, expired ones included (expires_at_ms tells); the broker ignores expired entries.
   */
  ListBlacklist(argument: _robustmq_placement_ListBlacklistRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListBlacklistReply__Output>): grpc.ClientUnaryCall;
  ListBlacklist(argument: _robustmq_placement_ListBlacklistRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListBlacklistReply__Output>): grpc.ClientUnaryCall;
  ListBlacklist(argument: _robustmq_placement_ListBlacklistRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListBlacklistReply__Output>): grpc.ClientUnaryCall;
  ListBlacklist(argument: _robustmq_placement_ListBlacklistRequest, callback: grpc.requestCallback<_robustmq_placement_ListBlacklistReply__Output>): grpc.ClientUnaryCall;
  /**
   * Every entry, expired ones included (expires_at_ms tells); the broker ignores expired entries.
   */
  listBlacklist(argument: _robustmq_placement_ListBlacklistRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListBlacklistReply__Output>): grpc.ClientUnaryCall;
  listBlacklist(argument: _robustmq_placement_ListBlacklistRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListBlacklistReply__Output>): grpc.ClientUnaryCall;
  listBlacklist(argument: _robustmq_placement_ListBlacklistRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListBlacklistReply__Output>): grpc.ClientUnaryCall;
  listBlacklist(argument: _robustmq_placement_ListBlacklistRequest, callback: grpc.requestCallback<_robustmq_placement_ListBlacklistReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Resources of one type in key order, optionally under a key prefix, paged like ListUsers.
   */
  ListResources(argument: _robustmq_placement_ListResourcesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListResourcesReply__Output>): grpc.ClientUnaryCall;
  ListResources(argument: _robustmq_placement_ListResourcesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListResourcesReply__Output>): grpc.ClientUnaryCall;
  ListResources(argument: _robustmq_placement_ListResourcesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListResourcesReply__Output>): grpc.ClientUnaryCall;
  ListResources(argument: _robustmq_placement_ListResourcesRequest, callback: grpc.requestCallback<_robustmq_placement_ListResourcesReply__Output>): grpc.ClientUnaryCall;
  /**
   * Resources of one type in key order, optionally under a key prefix, paged like ListUsers.
   */
  listResources(argument: _robustmq_placement_ListResourcesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListResourcesReply__Output>): grpc.ClientUnaryCall;
  listResources(argument: _robustmq_placement_ListResourcesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListResourcesReply__Output>): grpc.ClientUnaryCall;
  listResources(argument: _robustmq_placement_ListResourcesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListResourcesReply__Output>): grpc.ClientUnaryCall;
  listResources(argument: _robustmq_placement_ListResourcesRequest, callback: grpc.requestCallback<_robustmq_placement_ListResourcesReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Usernames in order, starting after start_after; at most limit (default 1000, max 10000).
   */
  ListUsers(argument: _robustmq_placement_ListUsersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListUsersReply__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _robustmq_placement_ListUsersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListUsersReply__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _robustmq_placement_ListUsersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListUsersReply__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _robustmq_placement_ListUsersRequest, callback: grpc.requestCallback<_robustmq_placement_ListUsersReply__Output>): grpc.ClientUnaryCall;
  /**
   * Usernames in order, starting after start_after; at most limit (default 1000, max 10000).
   */
  listUsers(argument: _robustmq_placement_ListUsersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListUsersReply__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _robustmq_placement_ListUsersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListUsersReply__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _robustmq_placement_ListUsersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListUsersReply__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _robustmq_placement_ListUsersRequest, callback: grpc.requestCallback<_robustmq_placement_ListUsersReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Creates or replaces one resource; its json is validated against the resource type's schema.
   */
  PutResource(argument: _robustmq_placement_PutResourceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_PutResourceReply__Output>): grpc.ClientUnaryCall;
  PutResource(argument: _robustmq_placement_PutResourceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_PutResourceReply__Output>): grpc.ClientUnaryCall;
  PutResource(argument: _robustmq_placement_PutResourceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_PutResourceReply__Output>): grpc.ClientUnaryCall;
  PutResource(argument: _robustmq_placement_PutResourceRequest, callback: grpc.requestCallback<_robustmq_placement_PutResourceReply__Output>): grpc.ClientUnaryCall;
  /**
   * Creates or replaces one resource; its json is validated against the resource type's schema.
   */
  putResource(argument: _robustmq_placement_PutResourceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_PutResourceReply__Output>): grpc.ClientUnaryCall;
  putResource(argument: _robustmq_placement_PutResourceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_PutResourceReply__Output>): grpc.ClientUnaryCall;
  putResource(argument: _robustmq_placement_PutResourceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_PutResourceReply__Output>): grpc.ClientUnaryCall;
  putResource(argument: _robustmq_placement_PutResourceRequest, callback: grpc.requestCallback<_robustmq_placement_PutResourceReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Changes the password and/or the superuser flag. NOT_FOUND when the user is unknown.
   */
  UpdateUser(argument: _robustmq_placement_UpdateUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UpdateUserReply__Output>): grpc.ClientUnaryCall;
  UpdateUser(argument: _robustmq_placement_UpdateUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_UpdateUserReply__Output>): grpc.ClientUnaryCall;
  UpdateUser(argument: _robustmq_placement_UpdateUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UpdateUserReply__Output>): grpc.ClientUnaryCall;
  UpdateUser(argument: _robustmq_placement_UpdateUserRequest, callback: grpc.requestCallback<_robustmq_placement_UpdateUserReply__Output>): grpc.ClientUnaryCall;
  /**
   * Changes the password and/or the superuser flag. NOT_FOUND when the user is unknown.
   */
  updateUser(argument: _robustmq_placement_UpdateUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UpdateUserReply__Output>): grpc.ClientUnaryCall;
  updateUser(argument: _robustmq_placement_UpdateUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_UpdateUserReply__Output>): grpc.ClientUnaryCall;
  updateUser(argument: _robustmq_placement_UpdateUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UpdateUserReply__Output>): grpc.ClientUnaryCall;
  updateUser(argument: _robustmq_placement_UpdateUserRequest, callback: grpc.requestCallback<_robustmq_placement_UpdateUserReply__Output>): grpc.ClientUnaryCall;
  
}

export interface MqttServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Checks a username/password pair (for brokers). Unknown users and wrong passwords both answer authenticated = false.
   */
  AuthenticateUser: grpc.handleUnaryCall<_robustmq_placement_AuthenticateUserRequest__Output, _robustmq_placement_AuthenticateUserReply>;
  
  /**
   * Fails with ALREADY_EXISTS when a rule with the id exists; an empty id is assigned by placement.
   */
  CreateAclRule: grpc.handleUnaryCall<_robustmq_placement_CreateAclRuleRequest__Output, _robustmq_placement_CreateAclRuleReply>;
  
  /**
   * Adds an entry, or replaces the entry with the same type and value (e.g. to change its expiry).
   */
  CreateBlacklistEntry: grpc.handleUnaryCall<_robustmq_placement_CreateBlacklistEntryRequest__Output, _robustmq_placement_CreateBlacklistEntryReply>;
  
  /**
   * Fails with ALREADY_EXISTS when the username is taken.
   */
  CreateUser: grpc.handleUnaryCall<_robustmq_placement_CreateUserRequest__Output, _robustmq_placement_CreateUserReply>;
  
  DeleteAclRule: grpc.handleUnaryCall<_robustmq_placement_DeleteAclRuleRequest__Output, _robustmq_placement_DeleteAclRuleReply>;
  
  DeleteBlacklistEntry: grpc.handleUnaryCall<_robustmq_placement_DeleteBlacklistEntryRequest__Output, _robustmq_placement_DeleteBlacklistEntryReply>;
  
  DeleteResource: grpc.handleUnaryCall<_robustmq_placement_DeleteResourceRequest__Output, _robustmq_placement_DeleteResourceReply>;
  
  DeleteUser: grpc.handleUnaryCall<_robustmq_placement_DeleteUserRequest__Output, _robustmq_placement_DeleteUserReply>;
  
  GetResource: grpc.handleUnaryCall<_robustmq_placement_GetResourceRequest__Output, _robustmq_placement_GetResourceReply>;
  
  /**
   * For Kafka brokers' SASL/SCRAM: a user's salted SCRAM keys for one mechanism (never the password); found = false
   * for an unknown user or one whose password was set before SCRAM keys were kept (set it again).
   */
  GetScramCredential: grpc.handleUnaryCall<_robustmq_placement_GetScramCredentialRequest__Output, _robustmq_placement_GetScramCredentialReply>;
  
  /**
   * The broker that leads a shared-subscription group ($share/<group>/...), served by the placement leader: the one
   * recorded (SHARED_GROUP_LEADER) while it is a registered MQTT broker; otherwise a registered broker is chosen now —
   * the one leading the fewest groups, ties to the lowest node id — and recorded through Raft before the answer.
   * When a leader broker expires or unregisters, placement moves its groups to the other brokers by itself.
   * FAILED_PRECONDITION when no MQTT broker is registered; INVALID_ARGUMENT for an empty group name or one with '/'
   * or whitespace.
   */
  GetShareSubLeader: grpc.handleUnaryCall<_robustmq_placement_GetShareSubLeaderRequest__Output, _robustmq_placement_GetShareSubLeaderReply>;
  
  GetUser: grpc.handleUnaryCall<_robustmq_placement_GetUserRequest__Output, _robustmq_placement_GetUserReply>;
  
  /**
   * Every rule, in evaluation order: priority ascending, then id.
   */
  ListAclRules: grpc.handleUnaryCall<_robustmq_placement_ListAclRulesRequest__Output, _robustmq_placement_ListAclRulesReply>;
  
  /**
   * Every entry, expired ones included (expires_at_ms tells); the broker ignores expired entries.
   */
  ListBlacklist: grpc.handleUnaryCall<_robustmq_placement_ListBlacklistRequest__Output, _robustmq_placement_ListBlacklistReply>;
  
  /**
   * Resources of one type in key order, optionally under a key prefix, paged like ListUsers.
   */
  ListResources: grpc.handleUnaryCall<_robustmq_placement_ListResourcesRequest__Output, _robustmq_placement_ListResourcesReply>;
  
  /**
   * Usernames in order, starting after start_after; at most limit (default 1000, max 10000).
   */
  ListUsers: grpc.handleUnaryCall<_robustmq_placement_ListUsersRequest__Output, _robustmq_placement_ListUsersReply>;
  
  /**
   * Creates or replaces one resource; its json is validated against the resource type's schema.
   */
  PutResource: grpc.handleUnaryCall<_robustmq_placement_PutResourceRequest__Output, _robustmq_placement_PutResourceReply>;
  
  /**
   * Changes the password and/or the superuser flag. NOT_FOUND when the user is unknown.
   */
  UpdateUser: grpc.handleUnaryCall<_robustmq_placement_UpdateUserRequest__Output, _robustmq_placement_UpdateUserReply>;
  
}

export interface MqttServiceDefinition extends grpc.ServiceDefinition {
  AuthenticateUser: MethodDefinition<_robustmq_placement_AuthenticateUserRequest, _robustmq_placement_AuthenticateUserReply, _robustmq_placement_AuthenticateUserRequest__Output, _robustmq_placement_AuthenticateUserReply__Output>
  CreateAclRule: MethodDefinition<_robustmq_placement_CreateAclRuleRequest, _robustmq_placement_CreateAclRuleReply, _robustmq_placement_CreateAclRuleRequest__Output, _robustmq_placement_CreateAclRuleReply__Output>
  CreateBlacklistEntry: MethodDefinition<_robustmq_placement_CreateBlacklistEntryRequest, _robustmq_placement_CreateBlacklistEntryReply, _robustmq_placement_CreateBlacklistEntryRequest__Output, _robustmq_placement_CreateBlacklistEntryReply__Output>
  CreateUser: MethodDefinition<_robustmq_placement_CreateUserRequest, _robustmq_placement_CreateUserReply, _robustmq_placement_CreateUserRequest__Output, _robustmq_placement_CreateUserReply__Output>
  DeleteAclRule: MethodDefinition<_robustmq_placement_DeleteAclRuleRequest, _robustmq_placement_DeleteAclRuleReply, _robustmq_placement_DeleteAclRuleRequest__Output, _robustmq_placement_DeleteAclRuleReply__Output>
  DeleteBlacklistEntry: MethodDefinition<_robustmq_placement_DeleteBlacklistEntryRequest, _robustmq_placement_DeleteBlacklistEntryReply, _robustmq_placement_DeleteBlacklistEntryRequest__Output, _robustmq_placement_DeleteBlacklistEntryReply__Output>
  DeleteResource: MethodDefinition<_robustmq_placement_DeleteResourceRequest, _robustmq_placement_DeleteResourceReply, _robustmq_placement_DeleteResourceRequest__Output, _robustmq_placement_DeleteResourceReply__Output>
  DeleteUser: MethodDefinition<_robustmq_placement_DeleteUserRequest, _robustmq_placement_DeleteUserReply, _robustmq_placement_DeleteUserRequest__Output, _robustmq_placement_DeleteUserReply__Output>
  GetResource: MethodDefinition<_robustmq_placement_GetResourceRequest, _robustmq_placement_GetResourceReply, _robustmq_placement_GetResourceRequest__Output, _robustmq_placement_GetResourceReply__Output>
  GetScramCredential: MethodDefinition<_robustmq_placement_GetScramCredentialRequest, _robustmq_placement_GetScramCredentialReply, _robustmq_placement_GetScramCredentialRequest__Output, _robustmq_placement_GetScramCredentialReply__Output>
  GetShareSubLeader: MethodDefinition<_robustmq_placement_GetShareSubLeaderRequest, _robustmq_placement_GetShareSubLeaderReply, _robustmq_placement_GetShareSubLeaderRequest__Output, _robustmq_placement_GetShareSubLeaderReply__Output>
  GetUser: MethodDefinition<_robustmq_placement_GetUserRequest, _robustmq_placement_GetUserReply, _robustmq_placement_GetUserRequest__Output, _robustmq_placement_GetUserReply__Output>
  ListAclRules: MethodDefinition<_robustmq_placement_ListAclRulesRequest, _robustmq_placement_ListAclRulesReply, _robustmq_placement_ListAclRulesRequest__Output, _robustmq_placement_ListAclRulesReply__Output>
  ListBlacklist: MethodDefinition<_robustmq_placement_ListBlacklistRequest, _robustmq_placement_ListBlacklistReply, _robustmq_placement_ListBlacklistRequest__Output, _robustmq_placement_ListBlacklistReply__Output>
  ListResources: MethodDefinition<_robustmq_placement_ListResourcesRequest, _robustmq_placement_ListResourcesReply, _robustmq_placement_ListResourcesRequest__Output, _robustmq_placement_ListResourcesReply__Output>
  ListUsers: MethodDefinition<_robustmq_placement_ListUsersRequest, _robustmq_placement_ListUsersReply, _robustmq_placement_ListUsersRequest__Output, _robustmq_placement_ListUsersReply__Output>
  PutResource: MethodDefinition<_robustmq_placement_PutResourceRequest, _robustmq_placement_PutResourceReply, _robustmq_placement_PutResourceRequest__Output, _robustmq_placement_PutResourceReply__Output>
  UpdateUser: MethodDefinition<_robustmq_placement_UpdateUserRequest, _robustmq_placement_UpdateUserReply, _robustmq_placement_UpdateUserRequest__Output, _robustmq_placement_UpdateUserReply__Output>
}
