/** The config of a `probe daemon` that evaluates every 500 ms against one target: what the e2e fault tests share. */
export function fastDaemonYaml(options: { target: string; stateDir: string; notify: string[]; incidents?: string }): string {
  return `
target: ${options.target}
service: DeepTech Radar API
timeout: 1s
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
daemon: { host: 127.0.0.1, interval: 500ms, jitter: 0, window: 2s }
incidents: { stateDir: ${JSON.stringify(options.stateDir)}, openAfter: 2${options.incidents ? `, ${options.incidents}` : ''} }
notify:
${options.notify.map((sink) => `  - ${sink}`).join('\n')}
`;
}
