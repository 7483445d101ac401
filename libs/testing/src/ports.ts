// Free ports for services that must know their port before they start: the one implementation lives in
// @robustmq/common (benchmarks use it too); the kit re-exports it.
export { freePort, freePorts } from '@robustmq/common';
