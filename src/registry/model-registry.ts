/**
 * ModelRegistry: versions, aliases, lineage, artifacts, checks and approvals of models, governed
 * by an AccessControl and a GovernancePolicy, every change recorded in the hash-chained audit
 * trail in the same transaction as the change itself. Versions are dense integers per name;
 * references are NAME/VERSION, NAME@ALIAS and NAME@latest (model-ref.ts).
 *
 * A registry object acts for one actor; as(actor) gives one acting for another over the same
 * database. Denied attempts are audited, then throw ForbiddenError; policy refusals are audited,
 * then throw PolicyError listing every unmet item (audited-change.ts).
 */
import { clockOption, type Clock } from '../clock.js';
import { AliasConflictError, PolicyError, RegistryNotFoundError, requireInteger, typeError } from '../errors.js';
import { AccessControl } from '../governance/access-control.js';
import { AuditLog, type AuditEvent, type AuditQuery, type AuditVerification } from '../governance/audit-log.js';
import { GovernancePolicy, type GovernancePolicyOptions } from '../governance/governance-policy.js';
import type { Permission } from '../governance/permissions.js';
import { DenseModel } from '../inference/dense-model.js';
import { openStore } from '../store/open-store.js';
import { aliasTarget, insertApproval, insertVersion, markApproved, modelRows, nextVersion, searchVersionRows, upsertAlias, upsertCheck, versionRow } from '../store/registry-rows.js';
import type { SqlStore, SqlTx } from '../store/sql-store.js';
import { ArtifactStore } from './artifact-store.js';
import { auditedChange, requirePermission, type ChangeContext, type ChangeOutcome } from './audited-change.js';
import { compareVersions, type VersionComparison } from './compare-versions.js';
import { checkAlias, checkName } from './model-ref.js';
import { MODEL_ARTIFACT, type ModelVersion, type RegisterInput } from './model-version.js';
import { checkRegisterInput } from './register-input.js';
import { checkFilter, checkLimit, decodeCursor, encodeCursor, orderKey, type SearchFilter, type SearchPage } from './search-options.js';
import { assembleVersions, resolveRow } from './version-assembly.js';

export interface ModelRegistryOptions {
  /** sqlite:FILE (or a path), postgres://…, or an open store. */
  db: string | SqlStore;
  /**
   * The directory of content-addressed artifacts (shared storage when several machines write).
   * Optional for a registry that only reads metadata, approves and moves aliases (the command line).
   */
  artifacts?: string;
  /** Who acts (recorded in the audit trail and checked by access). */
  actor: string;
  /** Who may do what (default: AccessControl.openToAll()). */
  access?: AccessControl;
  policy?: GovernancePolicy | GovernancePolicyOptions;
  now?: Clock;
}

export interface SearchResult {
  versions: ModelVersion[];
  /** Pass as page.cursor for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ApprovalResult {
  ref: string;
  /** Approvals that count (distinct people other than the registrant), this one included. */
  approvals: number;
  required: number;
  /** True when this approval completed the policy's approvals. */
  approved: boolean;
}

export interface AliasChange {
  name: string;
  alias: string;
  version: number;
  /** The version the alias pointed at before, or null. */
  previous: number | null;
}

export interface ModelSummary {
  name: string;
  latestVersion: number;
  createdAt: number;
  createdBy: string;
}

interface Shared {
  store: SqlStore;
  ownsStore: boolean;
  artifacts: ArtifactStore | undefined;
  access: AccessControl;
  policy: GovernancePolicy;
  now: Clock;
  audit: AuditLog;
}

/** The model registry, acting for one actor (see the file comment); open it with ModelRegistry.open(). */
export class ModelRegistry {
  private constructor(
    private readonly shared: Shared,
    /** The actor this registry object acts for. */
    readonly actor: string,
  ) {}

  /** Opens (creating if needed) the registry's database and artifact directory. */
  static async open(options: ModelRegistryOptions): Promise<ModelRegistry> {
    if (typeof options !== 'object' || options === null) throw typeError('an object { db, artifacts, actor, access?, policy? }', 'options', options);
    const actor = checkActor(options.actor);
    if (options.access !== undefined && !(options.access instanceof AccessControl)) throw typeError('an AccessControl', 'options.access', options.access);
    const policy = options.policy instanceof GovernancePolicy ? options.policy : new GovernancePolicy(options.policy);
    const now = clockOption(options.now);
    const artifacts = options.artifacts === undefined ? undefined : new ArtifactStore(options.artifacts);
    const ownsStore = typeof options.db === 'string';
    const store = typeof options.db === 'string' ? await openStore(options.db) : options.db;
    return new ModelRegistry({ store, ownsStore, artifacts, access: options.access ?? AccessControl.openToAll(), policy, now, audit: new AuditLog(store) }, actor);
  }

  /** The same registry acting for another actor. */
  as(actor: string): ModelRegistry {
    return new ModelRegistry(this.shared, checkActor(actor));
  }

  /** The governance policy this registry enforces. */
  get policy(): GovernancePolicy {
    return this.shared.policy;
  }

  /** Who may do what in this registry. */
  get access(): AccessControl {
    return this.shared.access;
  }

  /** Where the data lives (sqlite:FILE or the postgres URL without its password). */
  get location(): string {
    return this.shared.store.location;
  }

  /**
   * Registers a new version of name (creating the model at version 1): the model and artifacts
   * are stored content-addressed first, then the version, its metadata and its audit event are
   * committed in one transaction. Needs 'model.register'.
   */
  async register(name: string, input: RegisterInput): Promise<ModelVersion> {
    checkName(name);
    const checked = checkRegisterInput(input);
    // no files of a forbidden actor on disk: ask before storing, and audit the denial
    await this.require('model.register', name);
    const store = this.artifactStore();
    const artifacts = [...checked.files].map(([path, bytes]) => ({ path, ...store.put(bytes) }));
    const modelSha256 = checked.hasModel ? artifacts.find((a) => a.path === MODEL_ARTIFACT)!.sha256 : null;
    const version = await this.act('model.register', name, async (tx, at) => {
      if (checked.lineage.parentVersion != null && !(await versionRow(tx, name, checked.lineage.parentVersion))) {
        throw new RegistryNotFoundError(`${name}/${checked.lineage.parentVersion}`, 'lineage.parentVersion names a version that does not exist: name an existing version of the same model');
      }
      const v = await nextVersion(tx, name, at, this.actor);
      await insertVersion(tx, {
        name,
        version: v,
        created_at: at,
        created_by: this.actor,
        description: checked.description,
        compression: checked.compression,
        signature: JSON.stringify(checked.signature),
        lineage: JSON.stringify(checked.lineage),
        model_sha256: modelSha256,
        tags: checked.tags,
        metrics: checked.metrics,
        artifacts,
      });
      return { result: v, resource: `${name}/${v}`, details: { version: v, modelSha256, artifacts: artifacts.map((a) => ({ path: a.path, sha256: a.sha256 })) } };
    });
    return this.fetch(`${name}/${version}`);
  }

  /** The version a reference means (NAME/3, NAME@ALIAS, NAME@latest). Needs 'model.read'. */
  async get(ref: string): Promise<ModelVersion> {
    await this.requireRead(ref);
    return this.fetch(ref);
  }

  /** Every model with its newest version. Needs 'model.read'. */
  async listModels(): Promise<ModelSummary[]> {
    await this.requireRead('*');
    const rows = await this.shared.store.read((tx) => modelRows(tx));
    return rows.map((r) => ({ name: r.name, latestVersion: r.latest_version, createdAt: r.created_at, createdBy: r.created_by }));
  }

  /**
   * Versions matching filter, a page at a time (newest first by default), each with its aliases
   * filled in. Keyset paging: pass nextCursor back with the same filter and order. Needs 'model.read'.
   */
  async search(filter: SearchFilter = {}, page: SearchPage = {}): Promise<SearchResult> {
    const f = checkFilter(filter);
    if (typeof page !== 'object' || page === null) throw typeError('an object { limit?, cursor?, orderBy? }', 'page', page);
    const limit = checkLimit(page.limit);
    const order = orderKey(page.orderBy);
    const cursor = page.cursor == null ? undefined : decodeCursor(page.cursor, order);
    const metric = typeof page.orderBy === 'object' ? page.orderBy.metric : undefined;
    await this.requireRead(f.name ?? '*');
    return this.shared.store.read(async (tx) => {
      const rows = await searchVersionRows(tx, { ...f, orderMetric: metric, descending: order !== 'oldest' && !order.startsWith('metric:asc'), after: cursor && { id: cursor.id, value: cursor.value }, limit: limit + 1 });
      const pageRows = rows.slice(0, limit);
      const last = pageRows[pageRows.length - 1];
      const nextCursor = rows.length > limit ? encodeCursor({ order, id: last.id, value: last.sort_value }) : null;
      return { versions: await assembleVersions(tx, pageRows), nextCursor };
    });
  }

  /** What changed from a to b: metric deltas, signature compatibility, artifacts, lineage. Needs 'model.read'. */
  async compare(a: string, b: string): Promise<VersionComparison> {
    const [x, y] = await Promise.all([this.get(a), this.get(b)]);
    return compareVersions(x, y);
  }

  /** Records the result of a check (bias, robustness, a benchmark…) on a version. Needs 'check.attach'. */
  async attachCheck(ref: string, check: { name: string; passed: boolean; details?: string }): Promise<ModelVersion> {
    if (typeof check !== 'object' || check === null || typeof check.name !== 'string' || check.name.length === 0) throw typeError('a check { name, passed, details? }', 'check', check);
    if (typeof check.passed !== 'boolean') throw typeError('a boolean', 'check.passed', check.passed);
    if (check.details !== undefined && typeof check.details !== 'string') throw typeError('a string', 'check.details', check.details);
    const resolved = await this.act('check.attach', ref, async (tx, at) => {
      const row = await resolveRow(tx, ref);
      await upsertCheck(tx, row.id, { name: check.name, passed: check.passed, details: check.details ?? '' }, at, this.actor);
      return { result: `${row.name}/${row.version}`, resource: `${row.name}/${row.version}`, details: { check: check.name, passed: check.passed } };
    });
    return this.fetch(resolved);
  }

  /**
   * Approves a version for production as this actor. Refused (PolicyError naming each unmet item)
   * while a required check has not passed, the training data is not named, or the actor
   * registered the version or already approved it. The version becomes approved when the
   * policy's number of approvals is reached. Needs 'version.approve'.
   */
  async approve(ref: string, note?: string): Promise<ApprovalResult> {
    if (note !== undefined && typeof note !== 'string') throw typeError('a string', 'note', note);
    return this.act<ApprovalResult>('version.approve', ref, async (tx, at) => {
      const row = await resolveRow(tx, ref);
      const version = (await assembleVersions(tx, [row]))[0];
      const unmet = this.shared.policy.unmetForApproval(version, this.actor);
      if (unmet.length) return { refused: new PolicyError(`approving ${version.ref}`, unmet), details: { resolved: version.ref } };
      await insertApproval(tx, row.id, this.actor, note ?? null, at);
      const approvals = this.shared.policy.countedApprovals({ ...version, approvals: [...version.approvals, { approver: this.actor }] });
      const required = this.shared.policy.approvalsRequired;
      const approved = approvals >= required && row.approved_at === null;
      if (approved) await markApproved(tx, row.id, at);
      return { result: { ref: version.ref, approvals, required, approved: approved || row.approved_at !== null }, resource: version.ref, details: { approvals, required, approved, note: note ?? null } };
    });
  }

  /**
   * Points alias at a version, as compare-and-set: expectedVersion is the version the alias points
   * at now (null: unset); if another writer moved it meanwhile, AliasConflictError and nothing
   * changes, so of two concurrent moves exactly one wins. A protected alias (champion) needs
   * 'alias.set.protected' and a version that meets the policy for production; others 'alias.set'.
   * options.reason (JSON-serialisable) is recorded in the move's audit event.
   */
  async setAlias(name: string, alias: string, version: number, options: { expectedVersion: number | null; reason?: Record<string, unknown> }): Promise<AliasChange> {
    checkName(name);
    checkAlias(alias);
    requireInteger(version, 'version', 1);
    if (typeof options !== 'object' || options === null || options.expectedVersion === undefined) {
      throw typeError('{ expectedVersion: the version the alias points at now, or null when it is unset }', 'options', options);
    }
    const expected = options.expectedVersion === null ? null : requireInteger(options.expectedVersion, 'options.expectedVersion', 1);
    const isProtected = this.shared.policy.isProtected(alias);
    const permission: Permission = isProtected ? 'alias.set.protected' : 'alias.set';
    return this.act<AliasChange>(permission, `${name}@${alias}`, async (tx, at) => {
      const row = await resolveRow(tx, `${name}/${version}`);
      const previous = (await aliasTarget(tx, name, alias)) ?? null;
      if (previous !== expected) throw new AliasConflictError(`${name}@${alias}`, expected, previous);
      // why the alias moves (an experiment's analysis, say) is kept in the audit event
      const details = { version, previous, ...(options.reason === undefined ? {} : { reason: options.reason }) };
      if (isProtected) {
        const unmet = this.shared.policy.unmetForProduction((await assembleVersions(tx, [row]))[0]);
        if (unmet.length) return { refused: new PolicyError(`pointing ${name}@${alias} at ${name}/${version}`, unmet), details };
      }
      await upsertAlias(tx, name, alias, version, at, this.actor);
      return { result: { name, alias, version, previous }, details };
    });
  }

  /** The version's DenseModel, its bytes verified against their SHA-256 first. Needs 'model.read'. */
  async loadModel(ref: string): Promise<DenseModel> {
    const version = await this.get(ref);
    if (version.modelSha256 === null) throw new RegistryNotFoundError(version.ref, 'this version holds no DenseModel (it was registered without one): read its files with readArtifact()');
    return DenseModel.restore(this.artifactStore().get(version.modelSha256));
  }

  /** The bytes of one of the version's artifacts, verified against their SHA-256. Needs 'model.read'. */
  async readArtifact(ref: string, path: string): Promise<Uint8Array> {
    const version = await this.get(ref);
    const artifact = version.artifacts.find((a) => a.path === path);
    if (!artifact) throw new RegistryNotFoundError(`${version.ref} ${path}`, `no artifact of that name; it has ${version.artifacts.map((a) => a.path).join(', ') || 'none'}`);
    return this.artifactStore().get(artifact.sha256);
  }

  /** Audit events matching the query. Needs 'audit.read'. */
  async auditEvents(query: AuditQuery = {}): Promise<AuditEvent[]> {
    await this.require('audit.read', 'audit');
    return this.shared.audit.query(query);
  }

  /** Checks the audit trail's hash chain; reports the first broken sequence number. Needs 'audit.read'. */
  async verifyAudit(): Promise<AuditVerification> {
    await this.require('audit.read', 'audit');
    return this.shared.audit.verify();
  }

  /** Closes the database when this registry opened it. */
  async close(): Promise<void> {
    if (this.shared.ownsStore) await this.shared.store.close();
  }

  /**
   * For the stores kept in the registry's database (experiments, pipeline runs): a change as
   * `actor` under `permission` on `resource`, in one write transaction with its audit event
   * (audited-change.ts); the change may also answer { refused } to record a policy refusal.
   */
  governedChange<T>(permission: Permission, resource: string, change: (tx: SqlTx, at: number) => Promise<ChangeOutcome<T>>): Promise<T> {
    return this.act(permission, resource, change);
  }

  /**
   * For the same stores: a read (write = false) or an unaudited data write (write = true, e.g. an
   * experiment's outcome counts), after checking that the actor holds `permission` (a denial is audited).
   */
  async governedAccess<T>(permission: Permission, resource: string, write: boolean, fn: (tx: SqlTx, at: number) => Promise<T>): Promise<T> {
    await this.require(permission, resource);
    const at = this.shared.now();
    return write ? this.shared.store.write((tx) => fn(tx, at)) : this.shared.store.read((tx) => fn(tx, at));
  }

  /** The version without a permission check: what a change just wrote, returned to its author. */
  private fetch(ref: string): Promise<ModelVersion> {
    return this.shared.store.read(async (tx) => (await assembleVersions(tx, [await resolveRow(tx, ref)]))[0]);
  }

  private artifactStore(): ArtifactStore {
    if (!this.shared.artifacts) throw typeError('a directory for artifacts (this registry was opened without one)', 'options.artifacts', undefined);
    return this.shared.artifacts;
  }

  private get context(): ChangeContext {
    return { store: this.shared.store, access: this.shared.access, now: this.shared.now, actor: this.actor };
  }

  private requireRead(resource: string): Promise<void> {
    return requirePermission(this.context, 'model.read', resource);
  }

  private require(permission: Permission, resource: string): Promise<void> {
    return requirePermission(this.context, permission, resource);
  }

  private act<T>(permission: Permission, resource: string, change: (tx: SqlTx, at: number) => Promise<ChangeOutcome<T>>): Promise<T> {
    return auditedChange(this.context, permission, resource, change);
  }
}

function checkActor(actor: unknown): string {
  if (typeof actor !== 'string' || actor.length === 0 || actor.length > 200) throw typeError('a non-empty actor name (who acts, for access control and the audit trail)', 'actor', actor);
  return actor;
}
