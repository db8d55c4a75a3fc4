/**
 * The model server's own figures in the Prometheus text format (the models' monitors add theirs
 * through prometheusText): requests by route and status, requests in flight, rows queued per
 * model, a histogram of batch sizes in rows, requests refused for overload, and timeouts.
 */
import { escapeLabel } from '../monitor/prometheus.js';

export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  private readonly batchCounts: number[];
  private batchSum = 0;
  private batchCount = 0;
  private readonly perModel = new Map<string, { rejected: number; timeouts: number }>();
  inFlight = 0;

  /** @param batchBuckets upper bounds (rows) of the batch-size histogram, ascending */
  constructor(private readonly batchBuckets: readonly number[]) {
    this.batchCounts = new Array(batchBuckets.length).fill(0);
  }

  /** Counts a finished request by its route pattern and HTTP status. */
  request(route: string, status: number): void {
    const key = `route="${escapeLabel(route)}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** Counts a batch of `rows` rows into the histogram. */
  batch(rows: number): void {
    this.batchSum += rows;
    this.batchCount++;
    for (let k = 0; k < this.batchBuckets.length; k++) {
      if (rows <= this.batchBuckets[k]) {
        this.batchCounts[k]++;
        break;
      }
    }
  }

  private model(name: string): { rejected: number; timeouts: number } {
    let m = this.perModel.get(name);
    if (!m) this.perModel.set(name, (m = { rejected: 0, timeouts: 0 }));
    return m;
  }

  rejected(model: string): void {
    this.model(model).rejected++;
  }

  timeout(model: string): void {
    this.model(model).timeouts++;
  }

  /** The figures as Prometheus text; queueDepth gives each served model's queued rows. */
  text(queueDepth: ReadonlyMap<string, number>): string {
    const lines: string[] = [];
    lines.push('# HELP mlwatch_server_requests_total Requests answered, by route and HTTP status.', '# TYPE mlwatch_server_requests_total counter');
    for (const [labels, n] of this.requests) lines.push(`mlwatch_server_requests_total{${labels}} ${n}`);
    lines.push('# HELP mlwatch_server_in_flight Requests being answered now.', '# TYPE mlwatch_server_in_flight gauge', `mlwatch_server_in_flight ${this.inFlight}`);
    lines.push('# HELP mlwatch_server_queue_rows Rows waiting for a batch, by model.', '# TYPE mlwatch_server_queue_rows gauge');
    for (const [model, rows] of queueDepth) lines.push(`mlwatch_server_queue_rows{model="${escapeLabel(model)}"} ${rows}`);
    lines.push('# HELP mlwatch_server_batch_rows Rows per model call.', '# TYPE mlwatch_server_batch_rows histogram');
    let cumulative = 0;
    this.batchBuckets.forEach((le, k) => {
      cumulative += this.batchCounts[k];
      lines.push(`mlwatch_server_batch_rows_bucket{le="${le}"} ${cumulative}`);
    });
    lines.push(`mlwatch_server_batch_rows_bucket{le="+Inf"} ${this.batchCount}`, `mlwatch_server_batch_rows_sum ${this.batchSum}`, `mlwatch_server_batch_rows_count ${this.batchCount}`);
    lines.push('# HELP mlwatch_server_rejected_total Requests refused because a queue was full (429).', '# TYPE mlwatch_server_rejected_total counter');
    for (const [model, m] of this.perModel) lines.push(`mlwatch_server_rejected_total{model="${escapeLabel(model)}"} ${m.rejected}`);
    lines.push('# HELP mlwatch_server_timeouts_total Requests not answered within timeoutMs (504).', '# TYPE mlwatch_server_timeouts_total counter');
    for (const [model, m] of this.perModel) lines.push(`mlwatch_server_timeouts_total{model="${escapeLabel(model)}"} ${m.timeouts}`);
    return `${lines.join('\n')}\n`;
  }
}
