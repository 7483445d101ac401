// kafka-python (Debian's python3-kafka) as a Kafka test client: runs a script under the interpreter that has it, and
// the one login-and-produce check the SASL tests make with it (PLAIN and SCRAM alike).
import { execFile } from 'node:child_process';

/** Debian's interpreter, which has the python3-kafka package (a pyenv one on PATH may not). */
const PYTHON = '/usr/bin/python3';

/** Runs `script` with `args` as sys.argv[1:] (30 s at most); resolves with its stdout, rejects with its stderr. */
export function kafkaPython(script: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-c', script, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const SASL_PRODUCE = `
import sys
from kafka import KafkaProducer
bootstrap, mechanism, user, password, topic = sys.argv[1:6]
try:
    p = KafkaProducer(bootstrap_servers=bootstrap, security_protocol='SASL_PLAINTEXT', sasl_mechanism=mechanism, sasl_plain_username=user, sasl_plain_password=password, request_timeout_ms=5000, api_version_auto_timeout_ms=5000, max_block_ms=5000)
    p.send(topic, b'hello').get(timeout=10)
    p.close()
    print('ok')
except Exception as e:
    print('refused', type(e).__name__)
`;

/**
 * kafka-python logs in with SASL (`PLAIN`, `SCRAM-SHA-256`…: handshake v0 and bare tokens) and produces one record
 * to `topic`: `ok`, or `refused <exception>`.
 */
export async function kafkaPythonSaslProduce(
  bootstrap: string,
  login: { mechanism: string; user: string; password: string },
  topic: string,
): Promise<string> {
  return (
    await kafkaPython(SASL_PRODUCE, bootstrap, login.mechanism, login.user, login.password, topic)
  ).trim();
}
