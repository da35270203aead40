// The in-memory ledger store against the Ledger contract (test/support/ledger-store-contract.ts); a later store adds
// one line like this one.
import { createInMemoryLedger } from '../../simulator/core/index.js';
import { describeLedgerStore } from '../support/ledger-store-contract.js';

describeLedgerStore('in-memory ledger', createInMemoryLedger);
