// Original file: proto/placement/kv.proto

import type { SetRequest as _robustmq_placement_SetRequest, SetRequest__Output as _robustmq_placement_SetRequest__Output } from '../../robustmq/placement/SetRequest.js';
import type { GetRequest as _robustmq_placement_GetRequest, GetRequest__Output as _robustmq_placement_GetRequest__Output } from '../../robustmq/placement/GetRequest.js';
import type { DeleteRequest as _robustmq_placement_DeleteRequest, DeleteRequest__Output as _robustmq_placement_DeleteRequest__Output } from '../../robustmq/placement/DeleteRequest.js';
import type { CompareAndSetRequest as _robustmq_placement_CompareAndSetRequest, CompareAndSetRequest__Output as _robustmq_placement_CompareAndSetRequest__Output } from '../../robustmq/placement/CompareAndSetRequest.js';
import type { ExistsRequest as _robustmq_placement_ExistsRequest, ExistsRequest__Output as _robustmq_placement_ExistsRequest__Output } from '../../robustmq/placement/ExistsRequest.js';

export interface BatchOp {
  'set'?: (_robustmq_placement_SetRequest | null);
  'get'?: (_robustmq_placement_GetRequest | null);
  'delete'?: (_robustmq_placement_DeleteRequest | null);
  'compareAndSet'?: (_robustmq_placement_CompareAndSetRequest | null);
  'exists'?: (_robustmq_placement_ExistsRequest | null);
  'op'?: "set"|"get"|"delete"|"compareAndSet"|"exists";
}

export interface BatchOp__Output {
  'set'?: (_robustmq_placement_SetRequest__Output | null);
  'get'?: (_robustmq_placement_GetRequest__Output | null);
  'delete'?: (_robustmq_placement_DeleteRequest__Output | null);
  'compareAndSet'?: (_robustmq_placement_CompareAndSetRequest__Output | null);
  'exists'?: (_robustmq_placement_ExistsRequest__Output | null);
  'op'?: "set"|"get"|"delete"|"compareAndSet"|"exists";
}
