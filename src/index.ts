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
  FirstCompletedOperator,
  FirstCompletedOptions,
  InputOf,
  ItemCollection,
  ItemOf,
  LazyOrigin,
  MappedOrigin,
  MergeCompletedThenOptions,
  ProjectFn,
  SameKind,
  Settled,
  SizedOrigin,
  ThenCompletion,
  ThenEmitted,
  ThenSettled,
  TimeoutConfigBase,
  ValidCollection,
} from './types.js';
