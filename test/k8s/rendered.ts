/** k8s/ rendered by the real kustomize (kubectl), shared by the manifest tests. */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { ICronJob } from 'kubernetes-models/batch/v1';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const kubectlMissing = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).error
  ? 'kubectl is not installed (apt-get install kubectl): cannot render k8s/'
  : false;

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** `dir`: the base, or an overlay of it (relative to the repository, or absolute) */
export async function renderK8s(dir = 'k8s'): Promise<K8sObject[]> {
  const { stdout } = await promisify(execFile)('kubectl', ['kustomize', resolve(root, dir)], { timeout: 30_000 });
  const docs = parseAllDocuments(stdout);
  for (const doc of docs) assert.deepEqual(doc.errors, [], 'kustomize output is valid YAML');
  return docs.map((doc) => doc.toJS() as K8sObject);
}

export function oneOf<T>(objects: readonly K8sObject[], kind: string): T {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `expected exactly one ${kind}`);
  return found[0] as unknown as T;
}

export function podSpecsOf(objects: readonly K8sObject[]): [string, IPodSpec][] {
  return [
    ['Deployment', oneOf<IDeployment>(objects, 'Deployment').spec?.template.spec as IPodSpec],
    ['CronJob', oneOf<ICronJob>(objects, 'CronJob').spec?.jobTemplate.spec?.template.spec as IPodSpec],
  ];
}
