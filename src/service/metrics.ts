/**
 * Prometheus metrics (prom-client, a registry of the service's own): requests and their latency by operation
 * and status, rate-limit refusals, database errors, pool use, and Node's process metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolUse } from './database.js';
import type { OperationName } from './operations.js';

export interface ServiceMetrics {
  readonly contentType: string;
  /** One answered request. */
  answered(operation: OperationName, status: number, seconds: number, errorCode: string | undefined): void;
  /** A pool connection failed outside any request. */
  poolError(): void;
  text(): Promise<string>;
}

export function serviceMetrics(poolUse?: () => PoolUse): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['operation', 'status'] as const;
  const requests = new Counter({
    name: 'ipos_http_requests_total',
    help: 'Requests answered, by operation and status.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ipos_http_request_duration_seconds',
    help: 'Time from request to answer, by operation and status.',
    labelNames,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'ipos_rate_limit_refusals_total',
    help: 'Requests refused by a rate limit (429), by operation.',
    labelNames: ['operation'],
    registers: [registry],
  });
  const databaseErrors = new Counter({
    name: 'ipos_database_errors_total',
    help: 'Database failures: requests answered 503 DATABASE_UNAVAILABLE, and pool connections lost.',
    labelNames: ['kind'],
    registers: [registry],
  });
  if (poolUse) {
    new Gauge({
      name: 'ipos_database_pool_connections',
      help: 'PostgreSQL pool connections, by state (total, idle, waiting: requests queued for one).',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        for (const [state, count] of Object.entries(poolUse())) this.set({ state }, count);
      },
    });
  }
  return {
    contentType: registry.contentType,
    answered(operation, status, seconds, errorCode) {
      const labels = { operation, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
      if (status === 429) refusals.inc({ operation });
      if (errorCode === 'DATABASE_UNAVAILABLE') databaseErrors.inc({ kind: 'unavailable' });
    },
    poolError: () => databaseErrors.inc({ kind: 'pool' }),
    text: () => registry.metrics(),
  };
}
