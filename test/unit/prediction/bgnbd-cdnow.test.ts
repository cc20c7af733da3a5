import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fitBgNbd } from '../../../src/modules/prediction/model/bgnbd.js';
import { MISSING, readSummaries, relativeError, SUMMARY_FILE } from './cdnow-data.js';

// FHL 2005, table 1 (and lifetimes' documentation), on the same 2,357 customers.
const PUBLISHED = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };

describe(
  'fitBgNbd on CDNOW (2,357 customers, 39 weeks)',
  { skip: SUMMARY_FILE === null && MISSING },
  () => {
    it('finds the published parameters to within 1 % each', (t) => {
      const customers = readSummaries(SUMMARY_FILE!);
      assert.equal(customers.length, 2357);

      const started = performance.now();
      const fit = fitBgNbd(customers);
      const milliseconds = performance.now() - started;

      const { parameters, standardErrors } = fit;
      for (const name of ['r', 'alpha', 'a', 'b'] as const) {
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
      // FHL report LL = −9,582.4 at their estimates.
      assert.ok(Math.abs(fit.logLikelihood - -9582.4) < 0.1, `LL ${fit.logLikelihood}`);
    });
  },
);
