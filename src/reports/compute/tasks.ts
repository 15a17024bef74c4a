import { type ClvFitInput, type ClvFitOutput, fitClv } from '../clv/fit';
import { forecastSeries, type SeriesForecast, type SeriesForecastOptions } from '../forecast/forecast-series';
import {
  chooseK,
  fitKMeans,
  type KChoice,
  type KMeansFit,
  type KMeansOptions,
  subsampleSilhouette,
} from '../segments/kmeans';
import type { Points } from '../segments/silhouette';

/**
 * The JavaScript number crunching of the reports, as plain functions of plain data: run in a
 * worker thread (src/reports/compute/pool.ts) so that a heavy fit never holds the server's event
 * loop. Arguments and results cross threads by structured clone (typed arrays included).
 */
export const TASKS = {
  forecast(args: { values: readonly number[]; options: SeriesForecastOptions }): SeriesForecast {
    return forecastSeries(args.values, args.options);
  },
  chooseK(args: { points: Points; ks: readonly number[]; options: KMeansOptions }): KChoice {
    return chooseK(args.points, args.ks, args.options);
  },
  fixedK(args: { points: Points; k: number; options: KMeansOptions }): {
    fit: KMeansFit;
    silhouette: number | null;
  } {
    const fit = fitKMeans(args.points, args.k, args.options);
    // The silhouette needs a cluster of two or more points among those it is computed on.
    const silhouette = args.k < fit.subsample ? subsampleSilhouette(args.points, fit) : null;
    return { fit, silhouette };
  },
  /** BG/NBD and Gamma-Gamma by maximum likelihood, then every distinct (x, t_x, T) scored. */
  clv(args: ClvFitInput): ClvFitOutput {
    return fitClv(args);
  },
} as const;

export type TaskName = keyof typeof TASKS;
export type TaskArgs<T extends TaskName> = Parameters<(typeof TASKS)[T]>[0];
export type TaskResult<T extends TaskName> = ReturnType<(typeof TASKS)[T]>;
