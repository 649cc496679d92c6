/** The GitHub Actions example: the smoke gate runs, and reports, before anything is deployed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = parse(readFileSync(join(root, 'examples/github-actions/pre-deploy-smoke.yml'), 'utf8')) as Workflow;
const SMOKE_RE = /(?:^|\n)\s*probe --scenario smoke\b/;
const jobIds = Object.keys(workflow.jobs);
const smokeJobId = jobIds.find((id) => workflow.jobs[id]?.steps.some((s) => SMOKE_RE.test(s.run ?? '')));
const needsOf = (job: Job | undefined): string[] => (typeof job?.needs === 'string' ? [job.needs] : (job?.needs ?? []));

test('the workflow parses and one job runs the smoke scenario against staging with JUnit and step-summary output', () => {
  assert.ok(workflow.name && workflow.on && jobIds.length >= 2);
  assert.ok(smokeJobId, 'a job runs `probe --scenario smoke`');
  const steps = workflow.jobs[smokeJobId].steps;
  const smoke = steps.findIndex((s) => SMOKE_RE.test(s.run ?? ''));
  const command = steps[smoke]?.run ?? '';
  assert.match(command, /--target "?\$STAGING_URL"?/);
  assert.match(command, /--junit smoke\.xml\b/);
  assert.match(command, /--summary "?\$GITHUB_STEP_SUMMARY"?/);
  const install = steps.findIndex((s) => /\bnpm link\b/.test(s.run ?? ''));
  assert.ok(install >= 0 && install < smoke, '`probe` is installed on PATH before it runs');
});

test('the JUnit report is uploaded after the gate, even when the gate failed', () => {
  assert.ok(smokeJobId);
  const steps = workflow.jobs[smokeJobId].steps;
  const smoke = steps.findIndex((s) => SMOKE_RE.test(s.run ?? ''));
  const upload = steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@') === true);
  assert.ok(upload > smoke, 'upload comes after the smoke step');
  assert.equal(steps[upload]?.with?.path, 'smoke.xml');
  assert.match(steps[upload]?.if ?? '', /always\(\)|!cancelled\(\)/);
});

test('every deploying job waits for the smoke job', () => {
  const deployers = jobIds.filter((id) => workflow.jobs[id]?.steps.some((s) => /kubectl (set image|apply|rollout)|helm upgrade/.test(s.run ?? '')));
  assert.ok(deployers.length > 0, 'there is a deploy job');
  for (const id of deployers) {
    assert.notEqual(id, smokeJobId);
    assert.ok(smokeJobId && needsOf(workflow.jobs[id]).includes(smokeJobId), `${id} needs ${smokeJobId}`);
  }
});
