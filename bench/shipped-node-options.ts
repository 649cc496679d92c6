/** What the Dockerfile's ENV and k8s/deployment.yaml give the daemon (docs/performance.md "Memory"): benches start it so. */
export const SHIPPED_NODE_OPTIONS = '--max-semi-space-size=8';
