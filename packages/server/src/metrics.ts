/** Request counters and latency sums in the Prometheus text format (SPEC §7 `/metrics`). */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly durationsMs = new Map<string, number>();

  record(method: string, status: number, durationMs: number): void {
    const key = `method="${method.replace(/[^A-Z]/g, '')}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const methodKey = `method="${method.replace(/[^A-Z]/g, '')}"`;
    this.durationsMs.set(methodKey, (this.durationsMs.get(methodKey) ?? 0) + durationMs);
  }

  render(): string {
    const memory = process.memoryUsage();
    const lines = [
      '# HELP partage_http_requests_total HTTP requests by method and status.',
      '# TYPE partage_http_requests_total counter',
      ...[...this.requests].map(([k, v]) => `partage_http_requests_total{${k}} ${v}`),
      '# HELP partage_http_request_duration_seconds_sum Time spent answering, by method.',
      '# TYPE partage_http_request_duration_seconds_sum counter',
      ...[...this.durationsMs].map(([k, v]) => `partage_http_request_duration_seconds_sum{${k}} ${(v / 1000).toFixed(6)}`),
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${memory.rss}`,
      '# TYPE nodejs_heap_used_bytes gauge',
      `nodejs_heap_used_bytes ${memory.heapUsed}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
