import { of } from 'rxjs';
import {
  asCompleted,
  asCompletedWithTimeout,
  AsCompletedTimeoutError,
  firstCompleted,
  mergeCompletedThen,
} from 'rxjs-as-completed';
import { boot } from './shell';

boot((requests) => {
  const log = (r: unknown) => console.log(r, r instanceof AsCompletedTimeoutError);
  asCompleted(requests, { emit: 'settled' }).subscribe(log);
  asCompletedWithTimeout(requests, { total: 2000, emit: 'settled' }).subscribe(log);
  firstCompleted(requests).subscribe(log);
  mergeCompletedThen(
    ['x'],
    () => of([1, 2]),
    (n: number) => requests[n],
  ).subscribe(log);
});
