"""Background tasks (django-tasks). `wangge worker` runs them with the database backend."""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from .audit import channel_var, new_request_id, request_id_var
from .imports import ImportFormatError, Report
from .models_imports import ImportJob

logger = logging.getLogger(__name__)

# kind → "module.function(job, progress) -> Report"; each file import adds its line here.
JOB_RUNNERS = {
    "registry": "wangge.people.imports.run_import_job",
    "lab_results": "wangge.testing.imports.run_results_job",
    "canvass_visits": "wangge.canvass.imports.run_visits_job",
}


@task()
def run_import(job_id: int) -> str:
    """Run a queued import job (the upload page enqueues it for large files)."""
    return execute_import_job(job_id).status


def execute_import_job(job_id: int) -> ImportJob:
    """Run one import job now, in this process: progress, counts and errors are saved on the job."""
    job = ImportJob.objects.select_related("area", "user").get(pk=job_id)
    if job.status == ImportJob.Status.DONE:
        return job
    ctoken = channel_var.set("import")
    rtoken = request_id_var.set(job.request_id) if job.request_id else None
    if rtoken is None:
        new_request_id()
    try:
        job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])

        def progress(done: int, total: int) -> None:
            ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

        try:
            runner = import_string(JOB_RUNNERS[job.kind])
            report: Report = runner(job, progress)
        except ImportFormatError as exc:
            job.status, job.message = ImportJob.Status.FAILED, str(exc)
        except Exception:
            logger.exception("import job %s failed", job.pk)
            job.status = ImportJob.Status.FAILED
            job.message = _(
                "导入时发生内部错误，文件中的数据未全部写入；请重新导入（已写入的行不会重复）"
            )
        else:
            job.status = ImportJob.Status.DONE
            job.rows_total = job.rows_done = report.read
            job.read, job.imported, job.updated = report.read, report.imported, report.updated
            job.unchanged, job.rejected = report.unchanged, report.rejected
            job.errors = [e.as_dict() for e in report.errors]
            job.ignored_columns = report.ignored_columns
        job.finished_at = timezone.now()
        if job.file:
            # The upload holds personal data: keep only the report.
            job.file.delete(save=False)
        job.save()
    finally:
        channel_var.reset(ctoken)
        if rtoken is not None:
            request_id_var.reset(rtoken)
    return job
