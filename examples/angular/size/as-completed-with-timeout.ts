import { asCompletedWithTimeout } from 'rxjs-as-completed';
import { boot } from './shell';

boot((requests) =>
  asCompletedWithTimeout(requests, { total: 2000, emit: 'settled' }).subscribe((r) =>
    console.log(r),
  ),
);
