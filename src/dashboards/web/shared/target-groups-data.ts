/** What the target groups page hands its script (`#page-data`): the search in the address. */
export interface TargetGroupsPageData {
  readonly search: string;
}
