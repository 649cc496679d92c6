/**
 * The namespace a run works in, decided as kubectl decides it and without loading the Kubernetes client: the
 * configured one, else the kubeconfig's current context's (in a pod, the service account's), else "default".
 * The probe watches it, leader election campaigns in it, and every finding's commands name it.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isEnabled, pick, processEnvironment, type KubeConfigEnvironment, type Settings } from './locate.js';

export const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

interface KubeConfigFile {
  'current-context'?: unknown;
  contexts?: unknown;
}

function readYaml(file: string): KubeConfigFile {
  try {
    const parsed: unknown = parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    // an unreadable kubeconfig is the probe's error to report; here it only means "no namespace from it"
    return {};
  }
}

function namedNamespace(contexts: unknown, name: string): string | undefined {
  if (!Array.isArray(contexts)) return undefined;
  for (const entry of contexts as unknown[]) {
    if (!entry || typeof entry !== 'object') continue;
    const { name: entryName, context } = entry as { name?: unknown; context?: { namespace?: unknown } };
    if (entryName !== name) continue;
    const ns = context?.namespace;
    return typeof ns === 'string' && ns.length > 0 ? ns : undefined;
  }
  return undefined;
}

/** kubectl's merge rules: the first file that sets current-context wins, and so does a context's first definition. */
function contextNamespace(files: readonly string[]): string | undefined {
  const parsed = files.map(readYaml);
  const current = parsed.map((f) => f['current-context']).find((c): c is string => typeof c === 'string' && c.length > 0);
  if (current === undefined) return undefined;
  for (const file of parsed) {
    const defined = Array.isArray(file.contexts) && (file.contexts as { name?: unknown }[]).some((c) => c?.name === current);
    if (defined) return namedNamespace(file.contexts, current);
  }
  return undefined;
}

function serviceAccountNamespace(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function resolveNamespace(settings: Settings, where: KubeConfigEnvironment = processEnvironment()): string {
  if (settings.namespace) return settings.namespace;
  if (isEnabled(settings.enabled) === false) return 'default';
  const choice = pick(settings, where);
  if (!choice) return 'default';
  const found = choice.source === 'in-cluster' ? serviceAccountNamespace() : contextNamespace(choice.files);
  return found ?? 'default';
}
