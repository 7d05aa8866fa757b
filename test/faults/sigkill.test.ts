/**
 * `npm run test:faults`: the SIGKILL fault injection of test/support/faults.ts for longer (FAULT_ROUNDS, default 10).
 * test/integration/service-faults.test.ts runs a short version with the integration tests.
 */
import { describeSigkillRounds } from '../support/faults';

const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 10);

describeSigkillRounds(`local service under SIGKILL (${ROUNDS} rounds)`, ROUNDS);
