// Original file: proto/placement/kv.proto

import type { SetReply as _robustmq_placement_SetReply, SetReply__Output as _robustmq_placement_SetReply__Output } from '../../robustmq/placement/SetReply.js';
import type { GetReply as _robustmq_placement_GetReply, GetReply__Output as _robustmq_placement_GetReply__Output } from '../../robustmq/placement/GetReply.js';
import type { DeleteReply as _robustmq_placement_DeleteReply, DeleteReply__Output as _robustmq_placement_DeleteReply__Output } from '../../robustmq/placement/DeleteReply.js';
import type { CompareAndSetReply as _robustmq_placement_CompareAndSetReply, CompareAndSetReply__Output as _robustmq_placement_CompareAndSetReply__Output } from '../../robustmq/placement/CompareAndSetReply.js';
import type { ExistsReply as _robustmq_placement_ExistsReply, ExistsReply__Output as _robustmq_placement_ExistsReply__Output } from '../../robustmq/placement/ExistsReply.js';

export interface BatchOpResult {
  /**
   * 0 (OK) or the gRPC status code the operation would have failed with on its own (e.g. NOT_FOUND for a Get of an
   * absent key, INVALID_ARGUMENT for an empty key); message says why.
   */
  'code'?: (number);
  'message'?: (string);
  'set'?: (_robustmq_placement_SetReply | null);
  'get'?: (_robustmq_placement_GetReply | null);
  'delete'?: (_robustmq_placement_DeleteReply | null);
  'compareAndSet'?: (_robustmq_placement_CompareAndSetReply | null);
  'exists'?: (_robustmq_placement_ExistsReply | null);
  /**
   * the operation's reply when code is 0, of the same kind as the operation.
   */
  'reply'?: "set"|"get"|"delete"|"compareAndSet"|"exists";
}

export interface BatchOpResult__Output {
  /**
   * 0 (OK) or the gRPC status code the operation would have failed with on its own (e.g. NOT_FOUND for a Get of an
   * absent key, INVALID_ARGUMENT for an empty key); message says why.
   */
  'code': (number);
  'message': (string);
  'set'?: (_robustmq_placement_SetReply__Output | null);
  'get'?: (_robustmq_placement_GetReply__Output | null);
  'delete'?: (_robustmq_placement_DeleteReply__Output | null);
  'compareAndSet'?: (_robustmq_placement_CompareAndSetReply__Output | null);
  'exists'?: (_robustmq_placement_ExistsReply__Output | null);
  /**
   * the operation's reply when code is 0, of the same kind as the operation.
   */
  'reply'?: "set"|"get"|"delete"|"compareAndSet"|"exists";
}
