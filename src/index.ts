/** mlwatch: the public surface. Re-exports only. */
export type { ActivationName, Backend, BackendName, ColumnStats, CsvColumnsResult, EcdfDistances, SortedColumns } from './backend/contract.js';
export { CSV_ERROR } from './backend/contract.js';
export { availableBackends, backendInfo, getBackend, useBackend } from './backend/registry.js';
export type { BackendInfo, BackendStatus } from './backend/registry.js';
export type { Clock } from './clock.js';
export { DEFAULT_MEMORY_BYTES, driftOfFiles, profileOfFile } from './batch/file-drift.js';
export type { FileDriftOptions, FileDriftReport, FileUse, JobProgress } from './batch/file-drift.js';
export type { Distribution } from './batch/distribution.js';
export { openTable } from './batch/readers/open-table.js';
export {
  AliasConflictError,
  ArtifactIntegrityError,
  CorruptPartialError,
  BackendUnavailableError,
  DetachedInputError,
  DistributedJobError,
  EngineUnavailableError,
  ERROR_CODES,
  ExperimentDecisionError,
  ExperimentStateError,
  errorCode,
  ForbiddenError,
  InferInputError,
  InferTimeoutError,
  InputFileError,
  InvalidRefError,
  JobStoppedError,
  ModelNotServedError,
  PipelineBusyError,
  PipelineConfigError,
  PipelineStateError,
  PolicyError,
  RegistryNotFoundError,
  ServerOverloadedError,
  SignatureMismatchError,
  StoreError,
  UsageError,
  type CodedError,
  type ErrorCode,
} from './errors.js';
export type { ChunkColumn, SourceColumn, TableChunk, TableSource } from './batch/table-source.js';
export { DriftDetector } from './drift/drift-detector.js';
export { DenseModel } from './inference/dense-model.js';
export type { Classification, DenseLayer, DenseModelOptions, Evaluation, TfjsModelLike } from './inference/dense-model.js';
export type { DriftDetectorOptions, DriftSeverity, FeatureDrift, SimpleDriftResult } from './drift/drift-detector.js';
export type { ColumnTable, DriftSchema } from './drift/column-table.js';
export { DEFAULT_THRESHOLDS, DRIFT_TESTS } from './drift/drift-options.js';
export type { ColumnDriftOptions, Correction, DriftSuiteOptions, DriftTestName } from './drift/drift-options.js';
export type { ColumnDriftResult, DatasetDriftResult } from './drift/drift-suite.js';
export { ReferenceProfile } from './drift/reference-profile.js';
export { DistributedDrift, profilePartition, pass2Partition, mergeProfiles, candidates, finishReport, finishDistances, encodePartial, decodePartial } from './distributed/distributed-drift.js';
export type { PartialProfile, PartialColumn, NumericPartial, LabelPartial, PartitionOptions } from './distributed/partial-profile.js';
export type { DistributedOptions, Pass2Request, Pass2Column } from './distributed/candidates.js';
export type { FinishOptions } from './distributed/finish-report.js';
export { SignedSketch } from './distributed/signed-sketch.js';
export type { ColumnValues } from './drift/samples.js';
export { chiSquareTest, jensenShannon, ksTest, psi, wassersteinDistance, wassersteinNorm, zTest } from './drift/two-sample-tests.js';
export type { HypothesisTest } from './drift/two-sample-tests.js';
export { matrixFromRows, validateMatrix } from './matrix.js';
export type { FeatureMatrix, FloatArray, NumericInput } from './matrix.js';
export { DEFAULT_MONITOR_OPTIONS, ModelMonitor } from './monitor/model-monitor.js';
export type {
  AccuracyTrend,
  Alert,
  AlertReport,
  AlertType,
  LatencyTrend,
  ModelMonitorOptions,
  MonitorCounters,
  PerformanceTrend,
} from './monitor/model-monitor.js';
export { AlertManager, RULE_NAMES } from './monitor/alert-manager.js';
export type { AlertRule, AlertRules, RuleAlert, RuleName, RuleSeverity } from './monitor/alert-manager.js';
export { ErrorWindow } from './monitor/error-window.js';
export { MonitorRegistry } from './monitor/monitor-registry.js';
export type { MonitorRegistryOptions, RegistryMemory } from './monitor/monitor-registry.js';
export { prometheusText } from './monitor/prometheus.js';
export { RingBuffer } from './monitor/ring-buffer.js';
export { FileStateStore } from './persist/file-state-store.js';
export { QuantileSketch } from './sketch/quantile-sketch.js';
export type { QuantileSketchOptions } from './sketch/quantile-sketch.js';
export { columnStats, columnStatsAsync } from './stats/column-stats.js';
export { percentiles, quantiles } from './stats/quantiles.js';
export { DEFAULT_RETRAINING_POLICY, RetrainingTrigger } from './trigger/retraining-trigger.js';
export type { DriftSignal, RetrainingDecision, RetrainingPolicy, RetrainingTriggerOptions } from './trigger/retraining-trigger.js';
export { SETTINGS, type SettingName, type SettingSpec } from './config.js';
export { ModelServer, type ModelServerOptions, type ModelSource } from './serving/model-server.js';
export { registrySource } from './serving/registry-source.js';
export type { ServeOptions } from './serving/served-model.js';
export type { ExperimentSync } from './serving/served-experiment.js';
export { LoadBalancer, type BalancedResponse, type BalancingStrategy, type HealthCheckOptions, type LoadBalancerOptions, type UpstreamStatus } from './serving/load-balancer.js';
export type { DriftSampling } from './serving/drift-sampler.js';
export { parseInferRequest, INPUT_DATATYPES, type InferInput, type InputDatatype, type TensorMetadata } from './serving/infer-request.js';
export { Experiment, type Decision, type ExperimentAnalysis, type ExperimentConfig, type VariantAnalysis, type VariantConfig } from './experiment/experiment.js';
export { ExperimentStore, experimentResource, type ExperimentRecord } from './experiment/experiment-store.js';
export { OutcomeStats, type OutcomeStatsJson } from './experiment/outcome-stats.js';
export { bucketsOf, BUCKETS } from './experiment/assignment.js';
export { twoProportionTest, type EffectEstimate, type ProportionSample } from './experiment/stats/two-proportion.js';
export { welchTest, type MeanSample } from './experiment/stats/welch.js';
export { sampleRatioMismatch, type SrmResult } from './experiment/stats/srm.js';
export { mdeMeans, mdeProportions, powerMeans, powerProportions, sampleSizeMeans, sampleSizeProportions, type Design } from './experiment/stats/sample-size.js';
export { mixtureSprt, type SequentialLook } from './experiment/stats/sequential.js';
export { cupedAdjust, type PairedMoments } from './experiment/stats/cuped.js';
export { normalCdf, normalQuantile, normalSf } from './stats/normal.js';
export { studentTSf, studentTwoSided } from './stats/student-t.js';
export { ModelRegistry } from './registry/model-registry.js';
export type { AliasChange, ApprovalResult, ModelRegistryOptions, ModelSummary, SearchResult } from './registry/model-registry.js';
export type { Approval, ArtifactRef, CheckResult, ModelVersion, RegisterInput } from './registry/model-version.js';
export { formatRef, LATEST, parseRef, type ModelRef } from './registry/model-ref.js';
export { COLUMN_TYPES, type ColumnSpec, type ColumnType, type ModelSignature } from './registry/signature.js';
export type { Lineage, TrainingData } from './registry/lineage.js';
export type { Cursor, SearchFilter, SearchPage } from './registry/search-options.js';
export type { VersionComparison } from './registry/compare-versions.js';
export { ArtifactStore, sha256Hex, type StoredArtifact } from './registry/artifact-store.js';
export { AccessControl, type AccessControlOptions } from './governance/access-control.js';
export { PERMISSIONS, STANDARD_ROLES, type Permission } from './governance/permissions.js';
export { GovernancePolicy, type GovernancePolicyOptions, type PolicySubject } from './governance/governance-policy.js';
export { AuditLog, type AuditEvent, type AuditOutcome, type AuditQuery, type AuditVerification } from './governance/audit-log.js';
export { openStore } from './store/open-store.js';
export type { SqlRow, SqlStore, SqlTx, SqlValue, StoreDialect } from './store/sql-store.js';
export { SCHEMA_VERSION } from './store/migrations.js';
export { Pipeline, type PipelineOptions, type StartOptions } from './pipeline/pipeline.js';
export type { PipelineRun, RunStatus, StageRecord, StageStatus } from './pipeline/pipeline-run.js';
export type { GateResult, RunInfo, StageContext, StageDefinition } from './pipeline/stage.js';
export { ContinuousLearner, type ContinuousLearnerOptions, type FreshnessOption, type LearnerOutcome, type LearnerSource, type LearnerTimers } from './pipeline/continuous-learner.js';
export { backoffMs, type BackoffOptions } from './pipeline/backoff.js';
export type { ScheduleOption } from './pipeline/schedule.js';
export { validateDataStage, type ColumnCheck, type ValidateDataOptions, type ValidationOutput } from './pipeline/stages/validate-data.js';
export { evaluateModelStage, type Criterion, type EvaluateModelOptions, type EvaluationOutput, type Holdout } from './pipeline/stages/evaluate-model.js';
export { CORRELATION_TAG, registerModelStage, type RegisterModelOptions, type RegistrationOutput } from './pipeline/stages/register-model.js';
export { promoteAliasStage, type PromoteAliasOptions, type PromotionOutput } from './pipeline/stages/promote-alias.js';
export { promoteWhenShippedStage, startExperimentStage, type PromoteWhenShippedOptions, type ShippedOutput, type StartedExperiment, type StartExperimentOptions } from './pipeline/stages/experiment-stage.js';
