/** A short run of the SIGKILL fault injection (`npm run test:faults` runs it longer), so CI exercises it. */
import { describeSigkillRounds } from '../support/faults';

describeSigkillRounds('local service under SIGKILL (short)', 2);
