import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  expectedAverageSpend,
  fitGammaGamma,
} from '../../../src/modules/prediction/model/gamma-gamma.js';
import { MISSING, readSpend, relativeError, SPEND_FILE } from './cdnow-data.js';

// FHL "RFM and CLV" (2005) and its note on the Gamma-Gamma model, on the 946 repeat buyers.
const PUBLISHED = { p: 6.25, q: 3.74, v: 15.45 };

describe(
  'fitGammaGamma on CDNOW (946 repeat buyers)',
  { skip: SPEND_FILE === null && MISSING },
  () => {
    it('finds the published parameters to within 1 % each', (t) => {
      const repeatBuyers = readSpend(SPEND_FILE!).filter((customer) => customer.frequency > 0);
      assert.equal(repeatBuyers.length, 946);

      const started = performance.now();
      const fit = fitGammaGamma(repeatBuyers);
      const milliseconds = performance.now() - started;

      const { parameters, standardErrors } = fit;
      for (const name of ['p', 'q', 'v'] as const) {
        t.diagnostic(
          `${name} = ${parameters[name].toFixed(6)} (se ${standardErrors?.[name].toFixed(4)}), published ${PUBLISHED[name]}`,
        );
        assert.ok(
          relativeError(parameters[name], PUBLISHED[name]) < 0.01,
          `${name} = ${parameters[name]}, published ${PUBLISHED[name]}`,
        );
      }
      t.diagnostic(
        `log-likelihood ${fit.logLikelihood.toFixed(3)}, ${fit.evaluations} evaluations, fit took ${milliseconds.toFixed(0)} ms`,
      );
      assert.ok(fit.converged);
      assert.ok(standardErrors !== null);

      // The population mean p·v/(q−1) ≈ $35.2; a customer's expectation lies between it and m̄.
      const populationMean = (parameters.p * parameters.v) / (parameters.q - 1);
      const customer = { frequency: 2, meanValue: 22.35 };
      const expected = expectedAverageSpend(parameters, customer);
      assert.ok(expected > customer.meanValue && expected < populationMean);
    });
  },
);
