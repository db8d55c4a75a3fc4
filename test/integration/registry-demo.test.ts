/**
 * The demo's registry: the simulated fraud model is registered before day 1 and again on each
 * retrain day (4 and 11), each version retrained from the champion before it and promoted to
 * champion after a check and an approval, with an intact audit trail.
 */
import { expect, it } from 'vitest';
import { registerSimulatedModels } from '../../src/demo/registry-demo.js';
import { runProductionSimulation } from '../../src/demo/simulation.js';

it('registers, approves and promotes a version per retrain of the simulation', async () => {
  const timeline = runProductionSimulation();
  expect(timeline.filter((d) => d.retrain).map((d) => d.decision.shouldRetrain)).toEqual([true, true]);
  const lines = await registerSimulatedModels(timeline);
  expect(lines).toHaveLength(4);
  expect(lines[0]).toMatch(/fraud_model\/1 {2}day {2}0 {2}first version; approved by risk-reviewer -> @champion$/);
  expect(lines[1]).toMatch(/fraud_model\/2 {2}day {2}4 {2}retrained from \/1: Accuracy dropped by 0\.0\d\d; Drift detected/);
  expect(lines[2]).toMatch(/fraud_model\/3 {2}day 11 {2}retrained from \/2: Maximum time exceeded \(7\.0 days\)/);
  // per version: register, check, approve, champion
  expect(lines[3]).toBe('  audit trail: 12 events, hash chain intact; champion is fraud_model/3');
});
