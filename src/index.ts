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
  AsCompletedOptions,
  AsCompletedTimeoutConfig,
  Completion,
  CompletionFactory,
  CompletionInput,
  CompletionValueOf,
  EmitMode,
  Emitted,
  FirstCompletedOptions,
  InputOf,
  MergeCompletedThenOptions,
  Settled,
  ThenCompletion,
  ThenEmitted,
  ThenSettled,
} from './types.js';
