// @robustmq/testing: the one kit every test's set-up comes from. This entry holds what needs no service (scopes,
// temp dirs, free ports, waits, gRPC status assertions, MQTT clients, child processes); the services live behind
// subpaths so a test loads only what it starts: `@robustmq/testing/placement`, `/journal`, `/broker`, `/kafka`,
// `/browser` (headless chromium), and `/temp-dir` (temp dirs without vitest, for `node --test` scripts).
export { Scope, testScope, type Closeable } from './scope.js';
export { tempDir, removeDir } from './temp-dir.js';
export { freePort, freePorts } from './ports.js';
export { sleep, waitFor, waitUntil, waitForHttp, type WaitOptions } from './wait.js';
export { DuplicateAges } from './duplicate-ages.js';
export { expectCode, tokenClient, unary, type UnaryOutcome } from './grpc.js';
export { captureLogger, quietLogger, testLogLevel } from './logger.js';
export { mergeSections, type Sections } from './sections.js';
export { makeTestPki, type TestNodeCert, type TestPki } from './pki.js';
export {
  collect,
  connackCode,
  connectClient,
  connectResult,
  mqttClients,
  type BeforeConnect,
  type Received,
  willClient,
  type MqttClient,
  type IClientOptions,
  type WillClientOptions,
} from './mqtt.js';
export { RawClient, connectPacket, type ConnectOptions } from './raw-mqtt.js';
export { makeSelfSignedCert, type TestCert } from './tls-cert.js';
export {
  ROOT,
  ServiceProcess,
  buildOnce,
  killAll,
  mqttBrokerProcess,
  runCommand,
  runNode,
  spawnProcess,
  waitForHealthy,
  writeToml,
  type CommandResult,
  type MqttBrokerProcessOptions,
  type Proc,
  type ServiceName,
} from './processes.js';
export { mosquitto, type MosquittoPubOptions, type MosquittoSubOptions } from './mosquitto.js';
export { registeredNodes, type RegisteredNode } from './placement-http.js';
export {
  ProcessCluster,
  useProcessCluster,
  type BrokerNode,
  type KafkaBrokerNode,
  type PlacementNode,
  type ProcessClusterOptions,
  type PlacementStatus,
  type ProcessNode,
} from './process-cluster.js';
