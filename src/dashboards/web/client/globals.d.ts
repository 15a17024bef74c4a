// The vega scripts load as classic <script> tags before the bundle and define these globals;
// only their types come from the packages.
declare const vegaEmbed: typeof import('vega-embed').default;
