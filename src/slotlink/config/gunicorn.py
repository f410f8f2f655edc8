"""gunicorn's settings for slotlink's web processes: `gunicorn -c python:slotlink.config.gunicorn
slotlink.config.wsgi:application` (what `slotlink run` starts; the deployment guide too).

Command-line options given after `-c` still apply (bind, workers, threads ...).
"""

# One line per request on stdout, with tokens and OAuth codes taken out (core/access_log.py).
accesslog = "-"
logger_class = "slotlink.core.access_log.RedactingLogger"
# Where a request is slow, the log says how slow: %(M)s is milliseconds.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
graceful_timeout = 5
