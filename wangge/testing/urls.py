"""Testing pages: planning (rounds, points, schedule), the table page, results and who is left,
antigen kits. Each part keeps its own url list."""

from . import urls_antigen, urls_plan, urls_results, urls_table

app_name = "testing"
urlpatterns = (
    urls_plan.urlpatterns
    + urls_table.urlpatterns
    + urls_results.urlpatterns
    + urls_antigen.urlpatterns
)
