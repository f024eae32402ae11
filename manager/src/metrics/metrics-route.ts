// GET /metrics: the manager's metrics for Prometheus to scrape (outside /api/v3, where
// Prometheus looks by default).

import type { Context, Next } from 'koa';
import type { ManagerMetrics } from './metrics.ts';

export function metricsRoute(metrics: ManagerMetrics) {
  return async function serveMetrics(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== '/metrics' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const { contentType, text } = await metrics.render();
    ctx.set('Cache-Control', 'no-store');
    ctx.type = contentType;
    ctx.body = text;
  };
}
