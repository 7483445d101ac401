// The placement center as `robustmq start` composes it: role, config loader, start function. It is the metadata
// service the other roles of the process register with, so it starts first and hands them its address.
import { defineService } from '@robustmq/common';
import { loadPlacementCenterConfig } from './config.js';
import { startPlacementCenter } from './placement-center.js';

export const placementCenterService = defineService({
  role: 'placement-center',
  load: loadPlacementCenterConfig,
  start: startPlacementCenter,
  after: [],
  providesPlacement: true,
});
