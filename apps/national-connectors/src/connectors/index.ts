import { Connector } from '../connector';
import { budgetUnitsConnector } from './budget-units.connector';
import { businessRegistryConnector } from './business-registry.connector';
import { landConnector } from './land.connector';
import { populationConnector } from './population.connector';
import { socialInsuranceConnector } from './social-insurance.connector';

/**
 * Every connector the app serves. A new national database is one file beside these and one line here; the gateway
 * reaches it through the registry's service of the same code, so nothing else changes.
 */
export const NATIONAL_CONNECTORS: readonly Connector[] = [
  populationConnector,
  businessRegistryConnector,
  socialInsuranceConnector,
  landConnector,
  budgetUnitsConnector,
];
