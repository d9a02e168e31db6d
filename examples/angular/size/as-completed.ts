import { asCompleted } from 'rxjs-as-completed';
import { boot } from './shell';

boot((requests) => asCompleted(requests, { emit: 'settled' }).subscribe((r) => console.log(r)));
