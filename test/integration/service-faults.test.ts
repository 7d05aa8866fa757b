/** A short run of the SIGKILL fault injection (`npm run test:faults` runs it longer), so CI exercises it. */
import { describeSigkillRounds } from '../support/faults';

// Shares the machine with the other integration tests: asserts no stall (250 ms); `npm run test:faults` asserts 50 ms.
describeSigkillRounds('local service under SIGKILL (short)', 2, 250);
