// deploy/k8s renders (kubectl kustomize, i.e. kustomize itself) for the base and every overlay, and every object
// validates against the Kubernetes OpenAPI schemas (kubernetes-models). On top of the schemas: what the manifests
// promise — StatefulSets with headless Services, PVCs for placement and journal, probes on /health, resource
// requests, a PodDisruptionBudget per kind that selects its pods, and the Raft member list matching the replicas.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '@robustmq/testing';

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
}

function render(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', join(ROOT, 'deploy/k8s', dir)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
}

/** kubernetes-models/<group>/<version>/<Kind>: the class whose validate() checks an object against the schema. */
async function validate(object: K8sObject): Promise<void> {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const path = `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`;
  const module = (await import(path)) as Record<string, new (o: unknown) => { validate(): void }>;
  const Model = module[object.kind];
  if (!Model) throw new Error(`no model for ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

const kubectl = (() => {
  try {
    return execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  } catch {
    return '';
  }
})();

describe.each(['base', 'overlays/dev', 'overlays/production'])('deploy/k8s/%s', (dir) => {
  it('renders and every object is valid for its Kubernetes schema', async () => {
    expect(kubectl, 'kubectl (with kustomize v4 or later) is needed to render deploy/k8s').toMatch(
      /Kustomize Version: v[4-9]/,
    );
    const objects = render(dir);
    expect(objects.length).toBeGreaterThanOrEqual(10);
    for (const object of objects) await validate(object);

    const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
    const sets = byKind('StatefulSet');
    expect(sets.map((s) => s.metadata.name).sort()).toEqual([
      'journal-server',
      'kafka-broker',
      'mqtt-broker',
      'placement-center',
    ]);
    for (const set of sets) {
      const name = set.metadata.name;
      const service = byKind('Service').find((s) => s.metadata.name === set.spec.serviceName);
      expect(service?.spec.clusterIP, `${name}: headless Service`).toBe('None');
      const podLabels = set.spec.template.metadata.labels as Record<string, string>;
      const selects = (selector: Record<string, string>) =>
        Object.entries(selector).every(([k, v]) => podLabels[k] === v);
      expect(selects(service!.spec.selector), `${name}: the Service selects its pods`).toBe(true);
      const pdb = byKind('PodDisruptionBudget').find((p) => selects(p.spec.selector.matchLabels));
      expect(pdb, `${name}: a PodDisruptionBudget`).toBeDefined();

      const container = set.spec.template.spec.containers[0];
      for (const probe of ['readinessProbe', 'livenessProbe'])
        expect(container[probe].httpGet.path, `${name} ${probe}`).toBe('/health');
      expect(
        container.resources.requests.cpu && container.resources.requests.memory,
        `${name}: resource requests`,
      ).toBeTruthy();
      expect(set.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      const env = Object.fromEntries(
        (container.env as { name: string; value?: string }[]).map((e) => [e.name, e.value]),
      );
      expect(Object.keys(env)).toContain('ROBUSTMQ_CLUSTER_AUTH_TOKEN');
      if (name === 'placement-center') {
        const members = env.ROBUSTMQ_CLUSTER_MEMBERS!.split(',');
        expect(members).toHaveLength(set.spec.replicas);
        members.forEach((m, i) => expect(m).toBe(`${i + 1}@placement-center-${i}.placement-center:1228`));
      }
      if (name !== 'mqtt-broker' && name !== 'kafka-broker') {
        expect(set.spec.volumeClaimTemplates[0].metadata.name, `${name}: a PVC per member`).toBe('data');
      }
    }
    const mqtt = byKind('Service').find((s) => s.metadata.name === 'mqtt');
    expect(mqtt?.spec.ports.map((p: { port: number }) => p.port)).toEqual([1883, 8083]);
    const kafka = byKind('Service').find((s) => s.metadata.name === 'kafka');
    expect(kafka?.spec.ports.map((p: { port: number }) => p.port)).toEqual([9092]);
  });
});

it('the overlays set their namespace, the dev tokens and the production replicas', () => {
  const dev = render('overlays/dev');
  expect(new Set(dev.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace))).toEqual(
    new Set(['robustmq-dev']),
  );
  const secret = dev.find((o) => o.kind === 'Secret');
  expect(secret?.metadata.name).toMatch(/^robustmq-auth-/);
  const prod = render('overlays/production');
  expect(prod.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'mqtt-broker')?.spec.replicas).toBe(
    3,
  );
  expect(prod.find((o) => o.metadata.name === 'mqtt')?.spec.type).toBe('LoadBalancer');
  expect(
    prod.some((o) => o.kind === 'Secret'),
    'production tokens are created out of band',
  ).toBe(false);
});
