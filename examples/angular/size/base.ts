import { merge } from 'rxjs';
import { boot } from './shell';

// No rxjs-as-completed: the baseline.
boot((requests) => merge(...requests).subscribe((r) => console.log(r)));
