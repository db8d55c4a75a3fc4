/**
 * Models for the server from a ModelRegistry: a reference's version is the registry's version
 * number, and a load reads the version the reference pointed at when it was resolved (name/N),
 * so a version and its bytes always match even while an alias moves. The bytes are verified by
 * the registry (SHA-256).
 */
import type { ModelRegistry } from '../registry/model-registry.js';
import type { ModelSource } from './model-server.js';

export function registrySource(registry: ModelRegistry): ModelSource {
  return {
    version: async (ref) => String((await registry.get(ref)).version),
    load: async (ref) => {
      const v = await registry.get(ref);
      return { model: await registry.loadModel(v.ref), version: String(v.version) };
    },
  };
}
