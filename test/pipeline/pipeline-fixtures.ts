/**
 * A complete retraining pipeline for the tests and their child process: validate the new data
 * against a reference profile, train (a deterministic small model, stored content-addressed),
 * evaluate on a holdout against the champion, register with lineage, promote champion.
 * `pauseAfter` makes a stage write a marker file once its work is done and then wait forever, so
 * that the test can SIGKILL the process in the middle of that stage (before its 'done' mark).
 */
import { writeFileSync } from 'node:fs';
import {
  ArtifactStore,
  DenseModel,
  evaluateModelStage,
  ModelRegistry,
  Pipeline,
  promoteAliasStage,
  ReferenceProfile,
  registerModelStage,
  validateDataStage,
  type StageDefinition,
} from '../../src/index.js';
import { LINEAGE, SIGNATURE, smallModel } from '../helpers/registry-fixtures.js';

export const MODEL = 'fraud';

/** A registry whose policy lets the pipeline promote champion without human approvals. */
export function openRegistry(db: string, artifacts: string, actor = 'pipeline'): Promise<ModelRegistry> {
  return ModelRegistry.open({ db, artifacts, actor, policy: { approvalsRequired: 0 } });
}

/** n rows of 3 columns with values in [0, 1), deterministic. */
export function rows(n: number, shift = 0): Float64Array {
  return Float64Array.from({ length: n * 3 }, (_, i) => ((i * 0.6180339887) % 1) + shift);
}

export const NAMES = ['amount', 'account_age', 'merchant_risk'];
export const PROFILE = ReferenceProfile.fromMatrix({ data: rows(200), rows: 200, cols: 3 }, NAMES, undefined);

/** Registers version 1 and points champion at it: the state every pipeline test starts from. */
export async function seedChampion(registry: ModelRegistry): Promise<void> {
  await registry.register(MODEL, { model: smallModel(1), signature: SIGNATURE, lineage: LINEAGE });
  await registry.setAlias(MODEL, 'champion', 1, { expectedVersion: null });
}

function pausing(stage: StageDefinition, pauseAfter: string | undefined, marker: string | undefined): StageDefinition {
  if (stage.name !== pauseAfter) return stage;
  return {
    ...stage,
    run: async (ctx) => {
      const output = await stage.run(ctx);
      writeFileSync(marker!, stage.name);
      await new Promise(() => setInterval(() => undefined, 60_000)); // the timer keeps the process alive until it is killed here
      return output;
    },
  };
}

/** The full pipeline; models are kept in modelsDir between the train and later stages. */
export function fullPipeline(registry: ModelRegistry, modelsDir: string, crash?: { pauseAfter: string; marker: string }): Pipeline {
  const models = new ArtifactStore(modelsDir);
  const candidate = (ctx: { outputs: Readonly<Record<string, unknown>> }) => DenseModel.restore(models.get((ctx.outputs.train as { modelSha256: string }).modelSha256));
  const X = { data: Float32Array.from(rows(100, 0.01)), rows: 100, cols: 3 };
  const stages: StageDefinition[] = [
    validateDataStage({ profile: PROFILE, data: () => ({ data: rows(200, 0.01), rows: 200, cols: 3, names: NAMES }) }),
    {
      name: 'train',
      needs: ['validate'],
      run: async () => {
        const { sha256 } = models.put(smallModel(2).snapshot());
        return { modelSha256: sha256, dataHash: 'b'.repeat(64) };
      },
    },
    // the holdout's labels are the candidate's own answers: it scores 1.0 and beats any champion
    evaluateModelStage({ needs: ['train'], candidate, holdout: (ctx) => ({ X, y: candidate(ctx).classify(X).labels }) }),
    registerModelStage({
      model: candidate,
      signature: SIGNATURE,
      trainingData: (ctx) => ({ name: 'transactions', contentHash: (ctx.outputs.train as { dataHash: string }).dataHash }),
      validationStage: 'validate',
      evaluationStage: 'evaluate',
    }),
    promoteAliasStage({ alias: 'champion' }),
  ];
  return new Pipeline({ registry, model: MODEL, name: 'retrain', stages: stages.map((s) => pausing(s, crash?.pauseAfter, crash?.marker)) });
}
