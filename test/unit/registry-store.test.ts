// The in-memory registry store against the Registry contract (test/support/registry-store-contract.ts); a later store
// adds one line like this one.
import { createInMemoryRegistry } from '../../simulator/core/index.js';
import { describeRegistryStore } from '../support/registry-store-contract.js';

describeRegistryStore('in-memory registry', createInMemoryRegistry);
