import type { PageKind } from '../shared/page-data';
import { mountBuilderPage } from './builder/page';
import { mountCustomerPage } from './customer/customer-page';
import { mountCustomerSearchPage } from './customer/search-page';
import { mountDashboardPage } from './dashboard/page';
import { mountExplorePage } from './explore/page';
import { attachCustomerSuggestions } from './header/customer-search';
import { mountInsightsPage } from './insights/page';
import { mountQuestionsPage } from './questions/page';
import { mountTargetGroupsPage } from './target-groups/page';

const PAGES: Readonly<Record<PageKind, (() => void) | undefined>> = {
  index: undefined,
  'not-found': undefined,
  dashboard: mountDashboardPage,
  builder: mountBuilderPage,
  explore: mountExplorePage,
  insights: mountInsightsPage,
  customer: mountCustomerPage,
  customers: mountCustomerSearchPage,
  questions: mountQuestionsPage,
  'target-groups': mountTargetGroupsPage,
};

for (const form of document.querySelectorAll<HTMLFormElement>('form[role="search"]')) {
  attachCustomerSuggestions(form);
}
PAGES[document.body.dataset.page as PageKind]?.();
