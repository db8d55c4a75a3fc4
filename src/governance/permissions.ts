/**
 * The registry's permissions, one per kind of action. Moving a protected alias (such as
 * champion, the version in production) is its own permission: 'alias.set' never implies it.
 */
export const PERMISSIONS = ['model.read', 'model.register', 'check.attach', 'version.approve', 'alias.set', 'alias.set.protected', 'audit.read', 'experiment.manage', 'pipeline.run'] as const;

export type Permission = (typeof PERMISSIONS)[number];

/**
 * Roles for a typical team: viewers read; authors register versions, attach checks, set ordinary
 * aliases, run experiments and training pipelines; reviewers approve; releasers move protected
 * aliases; admins do everything. ('experiment.manage' covers creating, ending and logging
 * outcomes into an experiment; 'pipeline.run' covers starting and resuming pipeline runs.)
 */
export const STANDARD_ROLES: Readonly<Record<string, readonly Permission[]>> = Object.freeze({
  viewer: ['model.read', 'audit.read'],
  author: ['model.read', 'audit.read', 'model.register', 'check.attach', 'alias.set', 'experiment.manage', 'pipeline.run'],
  reviewer: ['model.read', 'audit.read', 'check.attach', 'version.approve'],
  releaser: ['model.read', 'audit.read', 'alias.set', 'alias.set.protected'],
  admin: [...PERMISSIONS],
});
