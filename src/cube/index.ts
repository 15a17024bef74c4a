/**
 * The cube layer's public face: the front door (prepare, subquery, run), the query service that
 * caches and shapes answers as Cube does, and the helpers callers show results with.
 */
export { drillDown, drillTarget, recordsQuery } from './drill';
export {
  type CubeScope,
  countCubeRows,
  cubeSubquery,
  type PreparedCubeQuery,
  type PreparedQuery,
  prepareCubeQuery,
  type QueryType,
  type RowPolicy,
  type RunLimits,
  resolveCubeQuery,
  runCubeQuery,
  streamCubeQuery,
} from './front-door';
export { parseQuery, validationError } from './parse';
export { type PivotTable, pivot } from './pivot';
export { annotationOf } from './response';
export {
  type LoadOptions,
  type LoadResult,
  type MultiLoadResponse,
  QueryService,
  type QueryServiceOptions,
  readAhead,
} from './service';
