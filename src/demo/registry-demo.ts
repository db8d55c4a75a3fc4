/**
 * The demo's model registry: the fraud model of the two-week simulation is registered (version 1,
 * before day 1), and each retrain the trigger asks for registers the next version with its lineage
 * (parent version, the RetrainingDecision, the day's drift), a passing backtest check, an approval
 * by a reviewer (not the registrant), and the champion alias moved to it by compare-and-set.
 * Runs on SQLite in a temporary directory; returns the lines the demo prints.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessControl } from '../governance/access-control.js';
import { DenseModel } from '../inference/dense-model.js';
import { ModelRegistry } from '../registry/model-registry.js';
import type { ModelSignature } from '../registry/signature.js';
import { SeededRandom } from './random.js';
import { FEATURES, type SimulationDay } from './simulation.js';

const NAME = 'fraud_model';
const SIGNATURE: ModelSignature = {
  inputs: FEATURES.map((name) => ({ name, type: 'float64' as const })),
  outputs: [{ name: 'legit', type: 'float32' }, { name: 'fraud', type: 'float32' }],
};

/** A 4 -> 8 -> 2 model with seeded weights: what a training run would hand over. */
function trainedModel(seed: number): DenseModel {
  const rng = new SeededRandom(seed);
  const layer = (inputSize: number, outputSize: number, activation: 'relu' | 'softmax') => ({
    inputSize,
    outputSize,
    weights: Float32Array.from({ length: inputSize * outputSize }, () => rng.normal(0, 1 / Math.sqrt(inputSize))),
    bias: new Float32Array(outputSize),
    activation,
  });
  return new DenseModel([layer(4, 8, 'relu'), layer(8, 2, 'softmax')]);
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

/** Registers the simulated model's versions; returns a printable summary. */
export async function registerSimulatedModels(timeline: readonly SimulationDay[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-demo-registry-'));
  const access = new AccessControl({ actors: { 'training-job': ['author'], 'risk-reviewer': ['reviewer'], 'release-bot': ['releaser'] } });
  const trainer = await ModelRegistry.open({ db: `sqlite:${join(dir, 'registry.sqlite')}`, artifacts: join(dir, 'artifacts'), actor: 'training-job', access });
  const lines: string[] = [];
  try {
    const release = async (day: number, retrain?: SimulationDay) => {
      const champion = retrain ? (await trainer.get(`${NAME}@champion`)).version : null;
      const v = await trainer.register(NAME, {
        model: trainedModel(day + 1),
        signature: SIGNATURE,
        metrics: { accuracy: retrain ? 0.91 : 0.92 },
        tags: { stage: 'candidate' },
        lineage: {
          trainingData: { name: `transactions-until-day-${day}`, contentHash: hashOf(`simulated transactions until day ${day}, seed 2026`) },
          parentVersion: champion,
          retrainingDecision: retrain?.decision,
          driftReport: retrain?.drift,
          run: `train-day-${day}`,
        },
      });
      await trainer.attachCheck(v.ref, { name: 'backtest', passed: true, details: 'accuracy on the last week >= 0.90' });
      await trainer.as('risk-reviewer').approve(v.ref, 'backtest passed');
      await trainer.as('release-bot').setAlias(NAME, 'champion', v.version, { expectedVersion: champion });
      const why = retrain ? `retrained from /${champion}: ${retrain.reasons.join('; ')}` : 'first version';
      lines.push(`  ${v.ref}  day ${String(day).padStart(2)}  ${why}; approved by risk-reviewer -> @champion`);
    };
    await release(0);
    for (const day of timeline) if (day.retrain) await release(day.day, day);
    const audit = await trainer.verifyAudit();
    lines.push(`  audit trail: ${audit.events} events, hash chain ${audit.ok ? 'intact' : `broken at ${audit.firstBroken}`}; champion is ${(await trainer.get(`${NAME}@champion`)).ref}`);
  } finally {
    await trainer.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
