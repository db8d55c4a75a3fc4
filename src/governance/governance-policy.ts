/**
 * GovernancePolicy: what a version needs before it may be approved, and before a protected alias
 * (champion: production) may point at it. Every unmet item is reported, each as a sentence that
 * says what to do, so one refusal shows all the work left instead of one item per attempt.
 */
import { requireInteger, typeError } from '../errors.js';

export interface GovernancePolicyOptions {
  /** Approvals needed, each from a different person who is not the registrant (default 1). */
  approvalsRequired?: number;
  /** Checks (attachCheck names) that must have passed (default none). */
  requiredChecks?: readonly string[];
  /** Whether the version must name its training data (name and content hash) (default true). */
  lineageRequired?: boolean;
  /** Aliases that mark a version for production: moving them needs 'alias.set.protected' and an approved version (default ['champion']). */
  protectedAliases?: readonly string[];
}

/** What the policy reads of a version. */
export interface PolicySubject {
  ref: string;
  createdBy: string;
  lineage: { trainingData?: { name: string; contentHash: string } | null };
  checks: readonly { name: string; passed: boolean }[];
  approvals: readonly { approver: string }[];
}

/** The approval and production requirements of a registry (see the file comment). */
export class GovernancePolicy {
  readonly approvalsRequired: number;
  readonly requiredChecks: readonly string[];
  readonly lineageRequired: boolean;
  readonly protectedAliases: readonly string[];

  constructor(options: GovernancePolicyOptions = {}) {
    if (typeof options !== 'object' || options === null) throw typeError('an object of policy options', 'policy', options);
    this.approvalsRequired = requireInteger(options.approvalsRequired ?? 1, 'policy.approvalsRequired', 0, 100);
    const strings = (value: unknown, name: string) => {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw typeError('an array of strings', name, value);
      return Object.freeze([...value]);
    };
    this.requiredChecks = strings(options.requiredChecks ?? [], 'policy.requiredChecks');
    if (options.lineageRequired !== undefined && typeof options.lineageRequired !== 'boolean') throw typeError('a boolean', 'policy.lineageRequired', options.lineageRequired);
    this.lineageRequired = options.lineageRequired ?? true;
    this.protectedAliases = strings(options.protectedAliases ?? ['champion'], 'policy.protectedAliases');
  }

  /** True for an alias that marks a version for production. */
  isProtected(alias: string): boolean {
    return this.protectedAliases.includes(alias);
  }

  /** What stops approver from approving the version (empty: the approval is accepted). */
  unmetForApproval(v: PolicySubject, approver: string): string[] {
    const unmet = this.unmetChecksAndLineage(v);
    if (approver === v.createdBy) unmet.push(`${approver} registered ${v.ref} and may not approve it: ask someone else to approve`);
    if (v.approvals.some((a) => a.approver === approver)) unmet.push(`${approver} has already approved ${v.ref}: approvals must come from different people`);
    return unmet;
  }

  /** What stops the version from being marked for production (empty: it may be). */
  unmetForProduction(v: PolicySubject): string[] {
    const unmet = this.unmetChecksAndLineage(v);
    const approvals = this.countedApprovals(v);
    if (approvals < this.approvalsRequired) {
      unmet.push(`${v.ref} has ${approvals} of the ${this.approvalsRequired} approval${this.approvalsRequired === 1 ? '' : 's'} required (from people other than its registrant ${v.createdBy}): approve it with approve()`);
    }
    return unmet;
  }

  /** Approvals that count: distinct people other than the registrant. */
  countedApprovals(v: PolicySubject): number {
    return new Set(v.approvals.map((a) => a.approver).filter((a) => a !== v.createdBy)).size;
  }

  private unmetChecksAndLineage(v: PolicySubject): string[] {
    const unmet: string[] = [];
    for (const name of this.requiredChecks) {
      const check = v.checks.find((c) => c.name === name);
      if (!check) unmet.push(`required check '${name}' has not been run on ${v.ref}: attach its result with attachCheck()`);
      else if (!check.passed) unmet.push(`required check '${name}' failed on ${v.ref}: fix the model and register a new version, or attach a passing result`);
    }
    if (this.lineageRequired && !v.lineage.trainingData) {
      unmet.push(`${v.ref} does not name its training data: register it with lineage.trainingData { name, contentHash }`);
    }
    return unmet;
  }
}
