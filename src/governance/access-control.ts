/**
 * AccessControl: roles -> permissions and actors -> roles. The registry asks it before every
 * action; a denied attempt is written to the audit trail and then throws ForbiddenError.
 */
import { rangeError, typeError } from '../errors.js';
import { PERMISSIONS, STANDARD_ROLES, type Permission } from './permissions.js';

export interface AccessControlOptions {
  /** Role name -> its permissions (default STANDARD_ROLES). */
  roles?: Record<string, readonly Permission[]>;
  /** Actor -> the names of their roles. */
  actors: Record<string, readonly string[]>;
}

/** Who may do what: checked by the registry before every action. */
export class AccessControl {
  private readonly roles: ReadonlyMap<string, ReadonlySet<Permission>>;
  private readonly actors: ReadonlyMap<string, readonly string[]>;
  /** True for the open policy, where every actor may do everything. */
  readonly open: boolean;

  constructor(options: AccessControlOptions) {
    if (typeof options !== 'object' || options === null) throw typeError('an object { roles?, actors }', 'options', options);
    const roles = options.roles ?? STANDARD_ROLES;
    if (typeof roles !== 'object' || roles === null) throw typeError('an object role -> permissions', 'options.roles', roles);
    const roleMap = new Map<string, ReadonlySet<Permission>>();
    for (const [role, permissions] of Object.entries(roles)) {
      if (!Array.isArray(permissions)) throw typeError('an array of permissions', `options.roles.${role}`, permissions);
      for (const p of permissions) {
        if (!(PERMISSIONS as readonly string[]).includes(p)) throw rangeError(`one of ${PERMISSIONS.join(', ')}`, `options.roles.${role}`, JSON.stringify(p));
      }
      roleMap.set(role, new Set(permissions));
    }
    if (typeof options.actors !== 'object' || options.actors === null) throw typeError('an object actor -> role names', 'options.actors', options.actors);
    const actorMap = new Map<string, readonly string[]>();
    for (const [actor, names] of Object.entries(options.actors)) {
      if (!Array.isArray(names)) throw typeError('an array of role names', `options.actors.${actor}`, names);
      for (const name of names) if (!roleMap.has(name)) throw rangeError(`one of the roles ${[...roleMap.keys()].join(', ')}`, `options.actors.${actor}`, JSON.stringify(name));
      actorMap.set(actor, [...names]);
    }
    this.roles = roleMap;
    this.actors = actorMap;
    this.open = false;
  }

  /**
   * Every actor may do everything: for a registry used by one person (the default of the
   * `mlwatch registry` command without --access). The audit trail still names each actor.
   */
  static openToAll(): AccessControl {
    const access = new AccessControl({ roles: { admin: [...PERMISSIONS] }, actors: {} });
    (access as { open: boolean }).open = true;
    return access;
  }

  /** The role names of actor (empty for an unknown actor). */
  rolesOf(actor: string): readonly string[] {
    return this.open ? ['admin'] : (this.actors.get(actor) ?? []);
  }

  /** True when one of actor's roles grants permission. */
  allows(actor: string, permission: Permission): boolean {
    if (this.open) return true;
    return this.rolesOf(actor).some((role) => this.roles.get(role)?.has(permission) ?? false);
  }
}
