"""`make run`: the web server, plus a Celery worker with beat so that reminders and
digests go out on schedule even on the embedded default (filesystem broker, emails to
var/mail/). Stopping the server (Ctrl-C) stops the worker too."""

import os
import subprocess
import sys

HOST = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"


def main():
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--beat",
            "--loglevel=INFO",
            "--concurrency=1",
            "--schedule",
            os.path.join("var", "celerybeat-schedule"),
        ],
    )
    try:
        return subprocess.call([sys.executable, "manage.py", "runserver", HOST])
    except KeyboardInterrupt:
        return 0
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


if __name__ == "__main__":
    sys.exit(main())
