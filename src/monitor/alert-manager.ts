/**
 * AlertManager: threshold rules over a monitor's current figures, with hysteresis. A rule fires
 * once when its figure goes above the threshold and resolves once when it falls back to
 * `resolveAt` (default: the threshold); evaluating again in between changes nothing and emits
 * nothing. Rules are evaluated when asked (ModelMonitor.checkAlerts(), metrics scrapes), never
 * per record.
 *
 * Rules (names as in the course README's configure_alerts):
 *   latency_p99_ms  exact p99 latency over the monitor's window, ms
 *   accuracy_drop   baseline accuracy minus the mean accuracy over the window
 *   drift_score     the latest maxDriftScore given to ModelMonitor.recordDrift()
 *   error_rate      errors / requests over the window (recordError())
 */
import { EventEmitter } from 'node:events';
import { clockOption, type Clock } from '../clock.js';
import { rangeError, requireNumber, typeError } from '../errors.js';

/** The alert rules a monitor can evaluate. */
export const RULE_NAMES = ['latency_p99_ms', 'accuracy_drop', 'drift_score', 'error_rate'] as const;
export type RuleName = (typeof RULE_NAMES)[number];
export type RuleSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';
const SEVERITIES: readonly RuleSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface AlertRule {
  /** The rule fires when its figure is above this. */
  threshold: number;
  severity: RuleSeverity;
  /** The rule resolves when its figure is at or below this (<= threshold). Default: threshold. */
  resolveAt?: number;
}

export type AlertRules = Partial<Record<RuleName, AlertRule>>;

/** The figures the rules read; null when there is nothing to judge yet. */
export type RuleFigures = Record<RuleName, number | null>;

export interface RuleAlert {
  rule: RuleName;
  severity: RuleSeverity;
  state: 'firing' | 'resolved';
  value: number | null;
  threshold: number;
  /** When the rule started firing (epoch ms); for 'resolved', when it had started. */
  since: number;
}

interface RuleState {
  rule: Required<AlertRule>;
  firingSince: number | null;
  value: number | null;
}

export interface AlertManager {
  on(event: 'alert' | 'resolved', listener: (alert: RuleAlert) => void): this;
  emit(event: 'alert' | 'resolved', alert: RuleAlert): boolean;
}

export class AlertManager extends EventEmitter {
  private rules = new Map<RuleName, RuleState>();

  private readonly now: Clock;

  /**
   * @param figures returns the current figures of the rules named (the monitor's windows)
   * @param now the clock, epoch milliseconds (default Date.now)
   */
  constructor(
    private readonly figures: (needed: ReadonlySet<RuleName>) => RuleFigures,
    now?: Clock,
  ) {
    super();
    if (typeof figures !== 'function') throw typeError('a function returning the rules\' figures', 'figures', figures);
    this.now = clockOption(now, 'now');
  }

  /** Replaces the rule set. Rules left out are removed (a firing one resolves silently). */
  configureAlerts(rules: AlertRules): void {
    if (typeof rules !== 'object' || rules === null) throw typeError('an object of rules', 'rules', rules);
    const next = new Map<RuleName, RuleState>();
    for (const [name, rule] of Object.entries(rules)) {
      if (!(RULE_NAMES as readonly string[]).includes(name)) throw typeError(`one of ${RULE_NAMES.join(', ')}`, 'rule name', name);
      if (typeof rule !== 'object' || rule === null) throw typeError('{ threshold, severity }', `rules.${name}`, rule);
      const threshold = requireNumber(rule.threshold, `rules.${name}.threshold`);
      if (!SEVERITIES.includes(rule.severity)) throw typeError(`one of ${SEVERITIES.join(', ')}`, `rules.${name}.severity`, rule.severity);
      const resolveAt = rule.resolveAt === undefined ? threshold : requireNumber(rule.resolveAt, `rules.${name}.resolveAt`);
      if (resolveAt > threshold) throw rangeError(`at most the threshold ${threshold}`, `rules.${name}.resolveAt`, String(resolveAt));
      const previous = this.rules.get(name as RuleName);
      next.set(name as RuleName, {
        rule: { threshold, severity: rule.severity, resolveAt },
        firingSince: previous?.firingSince ?? null,
        value: previous?.value ?? null,
      });
    }
    this.rules = next;
  }

  /** The configured rules. */
  get configured(): AlertRules {
    return Object.fromEntries([...this.rules].map(([name, s]) => [name, { ...s.rule }]));
  }

  /** Evaluates every rule; emits 'alert' for rules that start firing and 'resolved' for rules that stop. Returns the firing alerts. */
  evaluate(): RuleAlert[] {
    if (this.rules.size === 0) return [];
    const figures = this.figures(new Set(this.rules.keys()));
    const now = this.now();
    for (const [name, state] of this.rules) {
      const value = figures[name];
      state.value = value;
      if (state.firingSince === null) {
        if (value !== null && value > state.rule.threshold) {
          state.firingSince = now;
          this.emit('alert', this.describe(name, state, 'firing'));
        }
      } else if (value === null || value <= state.rule.resolveAt) {
        const resolved = this.describe(name, state, 'resolved');
        state.firingSince = null;
        this.emit('resolved', resolved);
      }
    }
    return this.firing();
  }

  /** The rules firing as of the last evaluation. */
  firing(): RuleAlert[] {
    return [...this.rules].filter(([, s]) => s.firingSince !== null).map(([name, s]) => this.describe(name, s, 'firing'));
  }

  /** Rule set and firing state, for snapshots. */
  exportState(): { rules: AlertRules; firingSince: Partial<Record<RuleName, number>> } {
    const firingSince: Partial<Record<RuleName, number>> = {};
    for (const [name, s] of this.rules) if (s.firingSince !== null) firingSince[name] = s.firingSince;
    return { rules: this.configured, firingSince };
  }

  /** Restores exportState()'s output: the rules and which were firing (no events). */
  importState(state: { rules: AlertRules; firingSince: Partial<Record<RuleName, number>> }): void {
    this.configureAlerts(state.rules);
    for (const [name, since] of Object.entries(state.firingSince)) {
      const s = this.rules.get(name as RuleName);
      if (s) s.firingSince = requireNumber(since, `firingSince.${name}`);
    }
  }

  private describe(name: RuleName, s: RuleState, state: 'firing' | 'resolved'): RuleAlert {
    return { rule: name, severity: s.rule.severity, state, value: s.value, threshold: s.rule.threshold, since: s.firingSince ?? this.now() };
  }
}
