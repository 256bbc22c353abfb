"""Results and who is left: lab result import and entry, the who-is-left lists, positives and
retests, the comparison with the previous round and the progress charts."""

from django.urls import path

from . import views_results as results
from . import views_whoisleft as left

urlpatterns = [
    path("rounds/<int:pk>/results/import/", results.results_import, name="results_import"),
    path("results/jobs/<int:pk>/", results.results_job, name="results_job"),
    path(
        "results/jobs/<int:pk>/errors.<str:fmt>",
        results.results_job_errors,
        name="results_job_errors",
    ),
    path("tubes/<int:pk>/result/", results.result_edit, name="result_edit"),
    path("notices/<int:pk>/read/", results.notice_read, name="notice_read"),
    path("rounds/<int:pk>/missing/", left.missing, name="missing"),
    path("rounds/<int:pk>/missing/export.xlsx", left.missing_export, name="missing_export"),
    path("rounds/<int:pk>/missing/print/", left.missing_print, name="missing_print"),
    path("rounds/<int:pk>/positives/", left.positives, name="positives"),
    path("rounds/<int:pk>/retests/", left.retests, name="retests"),
    path("rounds/<int:pk>/compare/", left.compare_rounds, name="compare"),
    path("rounds/<int:pk>/progress/", left.progress, name="progress"),
]
