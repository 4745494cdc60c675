# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bitbucket's background jobs (``RestJob``): wait for one to end, read its messages, cancel it.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Seed 003 "migration" and the 9.4 document describe every migration job (export, import, Mesh
migration) alike: a ``RestJob`` with a ``state`` (INITIALISING, READY, RUNNING, FINALISING, then one of
COMPLETED, FAILED, CANCELING -> CANCELED, TIMED_OUT, ABORTED) and a ``progress`` (``percentage``,
``message``); ``.../{jobId}/messages`` pages its ``RestJobMessage`` (``severity`` INFO, WARN or ERROR,
repeatable as a filter); ``.../{jobId}/cancel`` asks it to stop (204), which takes effect a little later,
so "a client should always actively query the job status to confirm" (seed 003).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure
from ansible_collections.bitbucket.datacenter.plugins.module_utils._polling import wait_for
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write

TERMINAL_STATES = ("COMPLETED", "FAILED", "CANCELED", "TIMED_OUT", "ABORTED")
SEVERITIES = ["INFO", "WARN", "ERROR"]


def has_ended(job):
    return (job or {}).get("state") in TERMINAL_STATES


def progress_entry(job):
    """One line of a job's progress log: its state and what its progress says."""
    progress = job.get("progress") or {}
    return dict(state=job.get("state"), percentage=progress.get("percentage"), message=progress.get("message"))


def describe(job):
    """``job 12 RUNNING (42%: Exporting repository 2 of 5)``, for messages."""
    entry = progress_entry(job)
    text = "job %s %s" % (job.get("id"), entry["state"])
    if entry["percentage"] is not None:
        text += " (%s%%%s)" % (entry["percentage"], ": %s" % entry["message"] if entry["message"] else "")
    return text


def wait_for_job(client, job_path, params, first=None):
    """Poll ``job_path`` until the job has ended, as ``params`` (wait_timeout, poll_interval) allow; a :class:`Waited`."""
    return wait_for(
        read=lambda: client.get(job_path),
        finished=has_ended,
        wait_timeout=params["wait_timeout"],
        poll_interval=params["poll_interval"],
        pause=client.pause,
        first=first,
        describe=progress_entry,
    )


def job_messages(client, job_path, severities=None):
    """Every message of the job, or those of ``severities`` (one ``severity`` parameter each, seed 003)."""
    params = {"severity": list(severities)} if severities and set(severities) != set(SEVERITIES) else None
    return client.get_paged(job_path + "/messages", params=params)


def error_texts(messages, limit=5):
    """The ERROR messages' texts, the first ``limit`` of them, for a failure message."""
    texts = [message.get("text") for message in messages if message.get("severity") == "ERROR" and message.get("text")]
    if len(texts) > limit:
        texts = texts[:limit] + ["and %d more" % (len(texts) - limit)]
    return texts


def request_cancel(client, job_path):
    """Ask a running job to stop. Returns whether this run asked (False when the job had ended first).

    A 409 means the job "was in a state that does not allow cancellation, e.g. it has already finished"
    (spec cancelExportJob): it ended between our read and our request. An answer lost after the request
    landed is found by reading the job again (CANCELING or CANCELED).
    """
    try:
        guarded_write(
            lambda: client.post(job_path + "/cancel"),
            lambda: client.get(job_path, missing_ok=True),
            landed=lambda job: job.get("state") in ("CANCELING", "CANCELED"),
        )
    except BitbucketError as exc:
        if exc.status == 409:
            return False
        raise
    return True


def follow_job(context, job_path, noun, job, expect, extra=None):
    """Wait for ``job`` as the options say (``wait``, ``wait_timeout``, ``poll_interval``); read its messages once it has ended.

    Fails when time runs out, and when the job ends in another state than ``expect`` (a failed job, with its
    errors); a cancelled job that ended otherwise is a warning. ``extra(result)`` adds to the result
    (a Mesh migration's summary). The result says ``changed``; callers that changed nothing say so.
    """
    params = context.params
    client = context.client
    result = dict(changed=True, job=job)
    timed_out = False
    if params["wait"]:
        waited = wait_for_job(client, job_path, params, first=job)
        result.update(job=waited.value, progress_log=waited.log)
        timed_out = waited.timed_out
    job = result["job"]
    severities = params["message_severities"]
    if has_ended(job) or timed_out:
        result["messages"] = job_messages(client, job_path, severities)
    if extra is not None:
        extra(result)
    title = noun[0].upper() + noun[1:]
    if timed_out:
        raise ModuleFailure(
            "%s %s after %d seconds (wait_timeout); it goes on in Bitbucket: read it with operation=status and job_id=%s, or stop it with "
            "operation=cancel" % (title, describe(job), params["wait_timeout"], job["id"]),
            **result
        )
    if has_ended(job) and job.get("state") != expect:
        if expect == "CANCELED":
            context.warn("%s job %s ended as %s before the cancellation took effect" % (title, job["id"], job.get("state")))
        else:
            # The errors explain the failure even when the messages asked for leave them out.
            errors = error_texts(result["messages"] if not severities or "ERROR" in severities else job_messages(client, job_path, ["ERROR"]))
            raise ModuleFailure("%s job %s ended as %s%s" % (title, job["id"], job.get("state"), (": " + "; ".join(errors)) if errors else ""), **result)
    return result


def cancel_job(context, job_path, noun, job, extra=None):
    """Cancel ``job`` (already read) unless it has ended, then follow it to CANCELED; ``changed`` only when this run asked."""
    client = context.client
    title = noun[0].upper() + noun[1:]
    if has_ended(job):
        if job.get("state") != "CANCELED":
            context.warn("%s job %s has already ended as %s; there is nothing to cancel" % (title, job["id"], job.get("state")))
        return dict(changed=False, job=job, messages=job_messages(client, job_path, context.params["message_severities"]))
    if job.get("state") == "CANCELING":
        asked = False  # asked already (by another run): nothing to ask, only to wait for
    elif context.check_mode:
        return dict(changed=True, job=job)
    else:
        asked = request_cancel(client, job_path)
        job = client.get(job_path)
    result = follow_job(context, job_path, noun, job, expect="CANCELED", extra=extra)
    result["changed"] = asked
    return result
