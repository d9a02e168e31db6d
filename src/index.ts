/* Operators */
export { asCompleted } from './asCompleted.js';
export { asCompletedWithTimeout } from './asCompletedWithTimeout.js';
export { firstCompleted } from './firstCompleted.js';
export { mergeCompletedThen } from './mergeCompletedThen.js';

/* Errors */
export { AsCompletedTimeoutError } from './AsCompletedTimeoutError.js';
export type { AsCompletedTimeoutInfo } from './AsCompletedTimeoutError.js';

/* Types */
export type {
  AnyCompletionInput,
  AsCompletedOptions,
  AsCompletedTimeoutConfig,
  CollectionElement,
  CollectionValueOf,
  Completion,
  CompletionCollection,
  CompletionFactory,
  CompletionInput,
  CompletionObservable,
  CompletionOperator,
  CompletionOrigin,
  CompletionValueOf,
  EmitMode,
  Emitted,
  EmittedFrom,
  FirstCompletedCollection,
  FirstCompletedOperator,
  FirstCompletedOptions,
  FirstCompletion,
  FirstEmitMode,
  FirstEmittedFrom,
  InputOf,
  ItemCollection,
  ItemOf,
  KeyedOrigin,
  KnownKeysOnly,
  LazyOrigin,
  MappedOrigin,
  MapperCollection,
  MergeCompletedThenOptions,
  NarrowedTo,
  ProjectFn,
  RecordCollection,
  RecordSource,
  RequiredKeys,
  SameKind,
  Settled,
  SizedOrigin,
  SourcesOf,
  StageOneResult,
  ThenCompletion,
  ThenEmitted,
  ThenSettled,
  TimeoutConfigBase,
  TimeoutConfigKeys,
  ValidCollection,
} from './types.js';
