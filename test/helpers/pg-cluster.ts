/** The throwaway PostgreSQL cluster lives with the demo, which starts one when PostgreSQL is installed. */
export * from '../../src/demo/pg-cluster.js';
