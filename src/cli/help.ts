import { scenarioDescriptions } from '../scenarios/plan.js';

export function helpText(): string {
  const scenarios = scenarioDescriptions()
    .map(([name, what]) => `  ${name.padEnd(9)} ${what}`)
    .join('\n');
  return `radar-probe: synthetic monitoring and load probes that follow the API incident runbook

Usage:
  probe --scenario NAME [--target URL] [--config FILE] [--timeout DUR] [--json]
        [--junit FILE] [--summary FILE] [--baseline FILE] [--max-regression PCT]
        [--connections N] [--amount N | --duration DUR] [--rate RPS] [--threshold EXPR]...
        [--shard I/N [--run ID] [--start-at RFC3339] [--post-to DAEMON_URL]]
  probe merge FILE... [--json] [--threshold EXPR]... [--junit FILE] [--summary FILE] [--config FILE]
  probe daemon [--config FILE] [--target URL] [--port N] [--log-level LEVEL]
  probe demo [--fault FAULT] [--port N] [--once]
  probe check-config [--config FILE] [--target URL] [--port N] [load flags]
        (validates exactly what daemon and --scenario would start with)
  probe --help | --version

Scenarios:
${scenarios}

Options:
  -s, --scenario NAME     scenario to run once; the exit code is the gate's verdict
  -t, --target URL        API base URL (overrides config target / API_URL)
  -c, --config FILE       config file (default ./config.yaml when present, else built-in defaults)
      --timeout DUR       budget for every probe, e.g. 2s (default: config timeout, 10s)
      --json              print exactly one JSON document on stdout; logs go to stderr
      --junit FILE        write a JUnit XML report (one testcase per probe and threshold); checked before the run
      --summary FILE      append a Markdown summary (e.g. $GITHUB_STEP_SUMMARY); checked before the run
      --baseline FILE     an earlier --json result; fail when p95 regresses more than --max-regression % (default 20)
      --connections N     load: concurrent connections (default 10)
      --amount N          load: total requests (default 100, like ab -n 100)
      --duration DUR      load: run for a time instead of an amount
      --rate RPS          load: fixed arrival rate; latency counts from the intended send time
      --threshold EXPR    k6-style gate, repeatable: 'p(95)<500', 'error_rate<0.05', 'rps>50'
      --shard I/N         load: run shard I of N (1/N of --rate, --amount, --connections; only the load probe);
                          job/N takes I from an Indexed Job's JOB_COMPLETION_INDEX (0-based, plus one);
                          the --json result carries the histogram for probe merge
      --run ID            load: the sharded run's id (default: derived from the settings and --start-at)
      --start-at TIME     load: wait until this RFC 3339 instant, so every shard's load overlaps
      --post-to URL       load: post the shard's result to the daemon at URL (token: PROBE_API_TOKEN);
                          a shard exits 0 when its load ran (the verdict is the merge's), 3 when not delivered
      --log-level LEVEL   fatal, error, warn, info, debug, trace, silent
      --fault FAULT       demo: none, outage, errors=0.3, latency=800, near-fail, api-fail, hang, reset, huge-body, invalid-json
      --port N            demo: port of the simulated API (default 8000, or a free one if taken)
      --once              demo: probe once, print the result and exit

Durations: 500ms, 15s, 30m, 1h30m, 2d; timers and timeouts are above 0 and at most 24d.
Exit codes: 0 passed · 1 the scenario failed its gate · 2 usage or config error · 3 internal error
Environment: API_URL, DATABASE_URL, OPENAI_BASE_URL, OPENAI_API_KEY, GITHUB_API_URL, GITHUB_TOKEN, PROMETHEUS_URL, KUBECONFIG, NO_COLOR
`;
}
