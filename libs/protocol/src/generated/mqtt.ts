import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AclRule as _robustmq_placement_AclRule, AclRule__Output as _robustmq_placement_AclRule__Output } from './robustmq/placement/AclRule.js';
import type { AuthenticateUserReply as _robustmq_placement_AuthenticateUserReply, AuthenticateUserReply__Output as _robustmq_placement_AuthenticateUserReply__Output } from './robustmq/placement/AuthenticateUserReply.js';
import type { AuthenticateUserRequest as _robustmq_placement_AuthenticateUserRequest, AuthenticateUserRequest__Output as _robustmq_placement_AuthenticateUserRequest__Output } from './robustmq/placement/AuthenticateUserRequest.js';
import type { BlacklistEntry as _robustmq_placement_BlacklistEntry, BlacklistEntry__Output as _robustmq_placement_BlacklistEntry__Output } from './robustmq/placement/BlacklistEntry.js';
import type { BoolUpdate as _robustmq_placement_BoolUpdate, BoolUpdate__Output as _robustmq_placement_BoolUpdate__Output } from './robustmq/placement/BoolUpdate.js';
import type { CreateAclRuleReply as _robustmq_placement_CreateAclRuleReply, CreateAclRuleReply__Output as _robustmq_placement_CreateAclRuleReply__Output } from './robustmq/placement/CreateAclRuleReply.js';
import type { CreateAclRuleRequest as _robustmq_placement_CreateAclRuleRequest, CreateAclRuleRequest__Output as _robustmq_placement_CreateAclRuleRequest__Output } from './robustmq/placement/CreateAclRuleRequest.js';
import type { CreateBlacklistEntryReply as _robustmq_placement_CreateBlacklistEntryReply, CreateBlacklistEntryReply__Output as _robustmq_placement_CreateBlacklistEntryReply__Output } from './robustmq/placement/CreateBlacklistEntryReply.js';
import type { CreateBlacklistEntryRequest as _robustmq_placement_CreateBlacklistEntryRequest, CreateBlacklistEntryRequest__Output as _robustmq_placement_CreateBlacklistEntryRequest__Output } from './robustmq/placement/CreateBlacklistEntryRequest.js';
import type { CreateUserReply as _robustmq_placement_CreateUserReply, CreateUserReply__Output as _robustmq_placement_CreateUserReply__Output } from './robustmq/placement/CreateUserReply.js';
import type { CreateUserRequest as _robustmq_placement_CreateUserRequest, CreateUserRequest__Output as _robustmq_placement_CreateUserRequest__Output } from './robustmq/placement/CreateUserRequest.js';
import type { DeleteAclRuleReply as _robustmq_placement_DeleteAclRuleReply, DeleteAclRuleReply__Output as _robustmq_placement_DeleteAclRuleReply__Output } from './robustmq/placement/DeleteAclRuleReply.js';
import type { DeleteAclRuleRequest as _robustmq_placement_DeleteAclRuleRequest, DeleteAclRuleRequest__Output as _robustmq_placement_DeleteAclRuleRequest__Output } from './robustmq/placement/DeleteAclRuleRequest.js';
import type { DeleteBlacklistEntryReply as _robustmq_placement_DeleteBlacklistEntryReply, DeleteBlacklistEntryReply__Output as _robustmq_placement_DeleteBlacklistEntryReply__Output } from './robustmq/placement/DeleteBlacklistEntryReply.js';
import type { DeleteBlacklistEntryRequest as _robustmq_placement_DeleteBlacklistEntryRequest, DeleteBlacklistEntryRequest__Output as _robustmq_placement_DeleteBlacklistEntryRequest__Output } from './robustmq/placement/DeleteBlacklistEntryRequest.js';
import type { DeleteResourceReply as _robustmq_placement_DeleteResourceReply, DeleteResourceReply__Output as _robustmq_placement_DeleteResourceReply__Output } from './robustmq/placement/DeleteResourceReply.js';
import type { DeleteResourceRequest as _robustmq_placement_DeleteResourceRequest, DeleteResourceRequest__Output as _robustmq_placement_DeleteResourceRequest__Output } from './robustmq/placement/DeleteResourceRequest.js';
import type { DeleteUserReply as _robustmq_placement_DeleteUserReply, DeleteUserReply__Output as _robustmq_placement_DeleteUserReply__Output } from './robustmq/placement/DeleteUserReply.js';
import type { DeleteUserRequest as _robustmq_placement_DeleteUserRequest, DeleteUserRequest__Output as _robustmq_placement_DeleteUserRequest__Output } from './robustmq/placement/DeleteUserRequest.js';
import type { GetResourceReply as _robustmq_placement_GetResourceReply, GetResourceReply__Output as _robustmq_placement_GetResourceReply__Output } from './robustmq/placement/GetResourceReply.js';
import type { GetResourceRequest as _robustmq_placement_GetResourceRequest, GetResourceRequest__Output as _robustmq_placement_GetResourceRequest__Output } from './robustmq/placement/GetResourceRequest.js';
import type { GetScramCredentialReply as _robustmq_placement_GetScramCredentialReply, GetScramCredentialReply__Output as _robustmq_placement_GetScramCredentialReply__Output } from './robustmq/placement/GetScramCredentialReply.js';
import type { GetScramCredentialRequest as _robustmq_placement_GetScramCredentialRequest, GetScramCredentialRequest__Output as _robustmq_placement_GetScramCredentialRequest__Output } from './robustmq/placement/GetScramCredentialRequest.js';
import type { GetShareSubLeaderReply as _robustmq_placement_GetShareSubLeaderReply, GetShareSubLeaderReply__Output as _robustmq_placement_GetShareSubLeaderReply__Output } from './robustmq/placement/GetShareSubLeaderReply.js';
import type { GetShareSubLeaderRequest as _robustmq_placement_GetShareSubLeaderRequest, GetShareSubLeaderRequest__Output as _robustmq_placement_GetShareSubLeaderRequest__Output } from './robustmq/placement/GetShareSubLeaderRequest.js';
import type { GetUserReply as _robustmq_placement_GetUserReply, GetUserReply__Output as _robustmq_placement_GetUserReply__Output } from './robustmq/placement/GetUserReply.js';
import type { GetUserRequest as _robustmq_placement_GetUserRequest, GetUserRequest__Output as _robustmq_placement_GetUserRequest__Output } from './robustmq/placement/GetUserRequest.js';
import type { ListAclRulesReply as _robustmq_placement_ListAclRulesReply, ListAclRulesReply__Output as _robustmq_placement_ListAclRulesReply__Output } from './robustmq/placement/ListAclRulesReply.js';
import type { ListAclRulesRequest as _robustmq_placement_ListAclRulesRequest, ListAclRulesRequest__Output as _robustmq_placement_ListAclRulesRequest__Output } from './robustmq/placement/ListAclRulesRequest.js';
import type { ListBlacklistReply as _robustmq_placement_ListBlacklistReply, ListBlacklistReply__Output as _robustmq_placement_ListBlacklistReply__Output } from './robustmq/placement/ListBlacklistReply.js';
import type { ListBlacklistRequest as _robustmq_placement_ListBlacklistRequest, ListBlacklistRequest__Output as _robustmq_placement_ListBlacklistRequest__Output } from './robustmq/placement/ListBlacklistRequest.js';
import type { ListResourcesReply as _robustmq_placement_ListResourcesReply, ListResourcesReply__Output as _robustmq_placement_ListResourcesReply__Output } from './robustmq/placement/ListResourcesReply.js';
import type { ListResourcesRequest as _robustmq_placement_ListResourcesRequest, ListResourcesRequest__Output as _robustmq_placement_ListResourcesRequest__Output } from './robustmq/placement/ListResourcesRequest.js';
import type { ListUsersReply as _robustmq_placement_ListUsersReply, ListUsersReply__Output as _robustmq_placement_ListUsersReply__Output } from './robustmq/placement/ListUsersReply.js';
import type { ListUsersRequest as _robustmq_placement_ListUsersRequest, ListUsersRequest__Output as _robustmq_placement_ListUsersRequest__Output } from './robustmq/placement/ListUsersRequest.js';
import type { MqttResource as _robustmq_placement_MqttResource, MqttResource__Output as _robustmq_placement_MqttResource__Output } from './robustmq/placement/MqttResource.js';
import type { MqttServiceClient as _robustmq_placement_MqttServiceClient, MqttServiceDefinition as _robustmq_placement_MqttServiceDefinition } from './robustmq/placement/MqttService.js';
import type { MqttUser as _robustmq_placement_MqttUser, MqttUser__Output as _robustmq_placement_MqttUser__Output } from './robustmq/placement/MqttUser.js';
import type { PutResourceReply as _robustmq_placement_PutResourceReply, PutResourceReply__Output as _robustmq_placement_PutResourceReply__Output } from './robustmq/placement/PutResourceReply.js';
import type { PutResourceRequest as _robustmq_placement_PutResourceRequest, PutResourceRequest__Output as _robustmq_placement_PutResourceRequest__Output } from './robustmq/placement/PutResourceRequest.js';
import type { UpdateUserReply as _robustmq_placement_UpdateUserReply, UpdateUserReply__Output as _robustmq_placement_UpdateUserReply__Output } from './robustmq/placement/UpdateUserReply.js';
import type { UpdateUserRequest as _robustmq_placement_UpdateUserRequest, UpdateUserRequest__Output as _robustmq_placement_UpdateUserRequest__Output } from './robustmq/placement/UpdateUserRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  robustmq: {
    placement: {
      AclAction: EnumTypeDefinition
      AclPermission: EnumTypeDefinition
      AclRule: MessageTypeDefinition<_robustmq_placement_AclRule, _robustmq_placement_AclRule__Output>
      AclSubjectType: EnumTypeDefinition
      AuthenticateUserReply: MessageTypeDefinition<_robustmq_placement_AuthenticateUserReply, _robustmq_placement_AuthenticateUserReply__Output>
      AuthenticateUserRequest: MessageTypeDefinition<_robustmq_placement_AuthenticateUserRequest, _robustmq_placement_AuthenticateUserRequest__Output>
      BlacklistEntry: MessageTypeDefinition<_robustmq_placement_BlacklistEntry, _robustmq_placement_BlacklistEntry__Output>
      BlacklistType: EnumTypeDefinition
      BoolUpdate: MessageTypeDefinition<_robustmq_placement_BoolUpdate, _robustmq_placement_BoolUpdate__Output>
      CreateAclRuleReply: MessageTypeDefinition<_robustmq_placement_CreateAclRuleReply, _robustmq_placement_CreateAclRuleReply__Output>
      CreateAclRuleRequest: MessageTypeDefinition<_robustmq_placement_CreateAclRuleRequest, _robustmq_placement_CreateAclRuleRequest__Output>
      CreateBlacklistEntryReply: MessageTypeDefinition<_robustmq_placement_CreateBlacklistEntryReply, _robustmq_placement_CreateBlacklistEntryReply__Output>
      CreateBlacklistEntryRequest: MessageTypeDefinition<_robustmq_placement_CreateBlacklistEntryRequest, _robustmq_placement_CreateBlacklistEntryRequest__Output>
      CreateUserReply: MessageTypeDefinition<_robustmq_placement_CreateUserReply, _robustmq_placement_CreateUserReply__Output>
      CreateUserRequest: MessageTypeDefinition<_robustmq_placement_CreateUserRequest, _robustmq_placement_CreateUserRequest__Output>
      DeleteAclRuleReply: MessageTypeDefinition<_robustmq_placement_DeleteAclRuleReply, _robustmq_placement_DeleteAclRuleReply__Output>
      DeleteAclRuleRequest: MessageTypeDefinition<_robustmq_placement_DeleteAclRuleRequest, _robustmq_placement_DeleteAclRuleRequest__Output>
      DeleteBlacklistEntryReply: MessageTypeDefinition<_robustmq_placement_DeleteBlacklistEntryReply, _robustmq_placement_DeleteBlacklistEntryReply__Output>
      DeleteBlacklistEntryRequest: MessageTypeDefinition<_robustmq_placement_DeleteBlacklistEntryRequest, _robustmq_placement_DeleteBlacklistEntryRequest__Output>
      DeleteResourceReply: MessageTypeDefinition<_robustmq_placement_DeleteResourceReply, _robustmq_placement_DeleteResourceReply__Output>
      DeleteResourceRequest: MessageTypeDefinition<_robustmq_placement_DeleteResourceRequest, _robustmq_placement_DeleteResourceRequest__Output>
      DeleteUserReply: MessageTypeDefinition<_robustmq_placement_DeleteUserReply, _robustmq_placement_DeleteUserReply__Output>
      DeleteUserRequest: MessageTypeDefinition<_robustmq_placement_DeleteUserRequest, _robustmq_placement_DeleteUserRequest__Output>
      GetResourceReply: MessageTypeDefinition<_robustmq_placement_GetResourceReply, _robustmq_placement_GetResourceReply__Output>
      GetResourceRequest: MessageTypeDefinition<_robustmq_placement_GetResourceRequest, _robustmq_placement_GetResourceRequest__Output>
      GetScramCredentialReply: MessageTypeDefinition<_robustmq_placement_GetScramCredentialReply, _robustmq_placement_GetScramCredentialReply__Output>
      GetScramCredentialRequest: MessageTypeDefinition<_robustmq_placement_GetScramCredentialRequest, _robustmq_placement_GetScramCredentialRequest__Output>
      GetShareSubLeaderReply: MessageTypeDefinition<_robustmq_placement_GetShareSubLeaderReply, _robustmq_placement_GetShareSubLeaderReply__Output>
      GetShareSubLeaderRequest: MessageTypeDefinition<_robustmq_placement_GetShareSubLeaderRequest, _robustmq_placement_GetShareSubLeaderRequest__Output>
      GetUserReply: MessageTypeDefinition<_robustmq_placement_GetUserReply, _robustmq_placement_GetUserReply__Output>
      GetUserRequest: MessageTypeDefinition<_robustmq_placement_GetUserRequest, _robustmq_placement_GetUserRequest__Output>
      ListAclRulesReply: MessageTypeDefinition<_robustmq_placement_ListAclRulesReply, _robustmq_placement_ListAclRulesReply__Output>
      ListAclRulesRequest: MessageTypeDefinition<_robustmq_placement_ListAclRulesRequest, _robustmq_placement_ListAclRulesRequest__Output>
      ListBlacklistReply: MessageTypeDefinition<_robustmq_placement_ListBlacklistReply, _robustmq_placement_ListBlacklistReply__Output>
      ListBlacklistRequest: MessageTypeDefinition<_robustmq_placement_ListBlacklistRequest, _robustmq_placement_ListBlacklistRequest__Output>
      ListResourcesReply: MessageTypeDefinition<_robustmq_placement_ListResourcesReply, _robustmq_placement_ListResourcesReply__Output>
      ListResourcesRequest: MessageTypeDefinition<_robustmq_placement_ListResourcesRequest, _robustmq_placement_ListResourcesRequest__Output>
      ListUsersReply: MessageTypeDefinition<_robustmq_placement_ListUsersReply, _robustmq_placement_ListUsersReply__Output>
      ListUsersRequest: MessageTypeDefinition<_robustmq_placement_ListUsersRequest, _robustmq_placement_ListUsersRequest__Output>
      MqttResource: MessageTypeDefinition<_robustmq_placement_MqttResource, _robustmq_placement_MqttResource__Output>
      MqttResourceType: EnumTypeDefinition
      MqttService: SubtypeConstructor<typeof grpc.Client, _robustmq_placement_MqttServiceClient> & { service: _robustmq_placement_MqttServiceDefinition }
      MqttUser: MessageTypeDefinition<_robustmq_placement_MqttUser, _robustmq_placement_MqttUser__Output>
      PutResourceReply: MessageTypeDefinition<_robustmq_placement_PutResourceReply, _robustmq_placement_PutResourceReply__Output>
      PutResourceRequest: MessageTypeDefinition<_robustmq_placement_PutResourceRequest, _robustmq_placement_PutResourceRequest__Output>
      UpdateUserReply: MessageTypeDefinition<_robustmq_placement_UpdateUserReply, _robustmq_placement_UpdateUserReply__Output>
      UpdateUserRequest: MessageTypeDefinition<_robustmq_placement_UpdateUserRequest, _robustmq_placement_UpdateUserRequest__Output>
    }
  }
}

