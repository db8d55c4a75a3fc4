/**
 * The registry's permissions, one per kind of action. Moving a protected alias (such as
 * champion, the version in production) is its own permission: 'alias.set' never implies it.
 */
export const PERMISSIONS = ['model.read', 'model.register', 'check.attach', 'version.approve', 'alias.set', 'alias.set.protected', 'audit.read'] as const;

export type Permission = (typeof PERMISSIONS)[number];

/**
 * Roles for a typical team: viewers read; authors register versions, attach checks and set
 * ordinary aliases; reviewers approve; releasers move protected aliases; admins do everything.
 */
export const STANDARD_ROLES: Readonly<Record<string, readonly Permission[]>> = Object.freeze({
  viewer: ['model.read', 'audit.read'],
  author: ['model.read', 'audit.read', 'model.register', 'check.attach', 'alias.set'],
  reviewer: ['model.read', 'audit.read', 'check.attach', 'version.approve'],
  releaser: ['model.read', 'audit.read', 'alias.set', 'alias.set.protected'],
  admin: [...PERMISSIONS],
});
