import { OneInstanceSchedule } from '../../scheduling/one-instance.schedule.js';
import { defineModule } from '../module.js';
import { registerPredictCommand } from './predict.command.js';
import { predictionAppliers } from './prediction.follower.js';
import { createPredictionLoaders } from './prediction.loaders.js';
import {
  CustomerPredictionsResolver,
  type PredictionDeps,
  PredictionFieldsResolver,
  PredictionModelResolver,
} from './prediction.resolver.js';
import { PredictionService } from './prediction.service.js';
import { PredictionStore } from './prediction.store.js';

/**
 * Predictive traits computed in c360: BG/NBD and Gamma-Gamma fitted by maximum likelihood on
 * every buyer (model/), each buyer rescored as purchases arrive, refitted on one instance.
 */
export const predictionModule = defineModule<PredictionDeps>({
  name: 'prediction',
  resolvers: [CustomerPredictionsResolver, PredictionFieldsResolver, PredictionModelResolver],
  commands: [registerPredictCommand],
  create(platform) {
    const log = platform.logger.child({ module: 'prediction' });
    const settings = platform.settings.predictions;
    const service = new PredictionService(platform.db, settings, log);
    const store = new PredictionStore(platform.db);
    const schedule = new OneInstanceSchedule(
      {
        lockKey: 'c360:lock:prediction-refit',
        deployment: platform.settings.deployment,
        periodMs: settings.refitMinutes * 60_000,
        redis: platform.redis?.commands ?? null,
        logger: log,
        failure: 'scheduled prediction refit failed; the previous model keeps scoring',
      },
      () => service.fit(),
    );
    return {
      deps: { service },
      loaders: (tuning) => createPredictionLoaders(store, tuning),
      appliers: predictionAppliers(service, platform.db),
      start: async () => {
        schedule.start();
        if (settings.refitMinutes > 0 && (await service.currentModel()) === null) {
          // The first fit runs in the background; scores appear when it is done.
          service.fit().catch((error: unknown) => {
            log.error({ err: error }, 'first prediction fit failed; the schedule retries');
          });
        }
      },
      stop: () => schedule.stop(),
    };
  },
});
