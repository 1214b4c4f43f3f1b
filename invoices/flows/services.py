"""Batch deposits of invoice files (deposer/flux) and the follow-up of their reports.

- files.py: checking and reading uploaded files, planning the deposits;
- deposit.py: the upload (web) and the deposit (worker), exactly once;
- report.py: polling the flow report, linking the invoices Chorus Pro created;
- results.py: each file's outcome, in plain French next to Chorus Pro's raw words.
"""

from invoices.flows.deposit import RefusedFile, UploadOutcome, flow_send, flow_upload, flows_lost
from invoices.flows.report import flow_report_poll, flows_due
from invoices.flows.results import FileResult, RawError, flow_file_results

__all__ = [
    "FileResult",
    "RawError",
    "RefusedFile",
    "UploadOutcome",
    "flow_file_results",
    "flow_report_poll",
    "flow_send",
    "flow_upload",
    "flows_due",
    "flows_lost",
]
