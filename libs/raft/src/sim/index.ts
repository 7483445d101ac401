// Public entry of the deterministic simulator (used by the CLI and by tests in other packages).
export { runSimulation, type SimOptions, type SimResult, type SimStats } from './simulator.js';
export { replayCommand, directReplayCommand } from './replay-command.js';
export { SafetyMonitor, SafetyViolation } from './safety-monitor.js';
export { EventQueue } from './event-queue.js';
export { KvStateMachine } from './kv-state-machine.js';
export { drawScenario, describeScenario, type Scenario } from './scenario.js';
