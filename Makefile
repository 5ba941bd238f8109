# Odoo 19 add-on bank_relationship_manager: set-up, run, test, lint.
# Everything is downloaded/generated into .odoo/ and .venv/ (git-ignored).
# The logic lives in scripts/*.sh; see the comments at their top.
#
#   make run            set up, create the demo DB `bank_demo` if missing, serve on :8069
#                       (PORT=8070 make run; UPDATE=1: -u the add-on; RESET=1: recreate the DB)
#   make run WORKERS=4  multi-process: 4 HTTP workers, 2 cron workers (CRON_WORKERS), gevent
#                       worker on PORT+3, PostgreSQL sized for it (scripts/scale.sh, README)
#   make run REPLICA=1  also a streaming read replica (.odoo/pg-replica) for read-only requests
#   make stop           stop the server and the embedded PostgreSQL (and its replica)
#   make test           lint + fresh DB with demo data + clean install log + pytest-odoo
#   make test-fast      the same without lint (= make test SKIP_LINT=1)
#                       TESTS="tests/test_x.py"  PYTEST_ARGS="-k name -x"  KEEP_DB=1
#                       GUEST_TESTS="crm contacts" (Odoo's own tests run too; "" skips them)
#                       TEST_DATE=2028-02-29 (the whole run on a clock shifted to that date,
#                       PostgreSQL and Chromium included: libfaketime, see README)
#   make lint           ruff, pylint-odoo, OCA manifest/XML/CSV/PO checks
#   make setup          only install/prepare what is missing
#   make bench          run each bench/*.py in an Odoo shell on its own DB bank_bench_<script>
#                       (BENCH_ONLY="tiers planning", sizes: BENCH_CUSTOMERS, BENCH_DAYS,
#                       BENCH_LOAD_ROWS, BENCH_PLAN_CUSTOMERS, BENCH_HANDOVER_CUSTOMERS; README)
#   make drop-db DB=x   drop a database kept with KEEP_DB=1
#   make clean          stop, then delete .odoo/ and .venv/ (next run starts from scratch)

SHELL := /bin/bash
# Variables given on the command line (make test KEEP_DB=1) reach the scripts
# through the environment.
.DEFAULT_GOAL := help


.PHONY: help setup run stop test test-fast lint bench drop-db clean

help:
	@sed -n '1,/^$$/p' $(firstword $(MAKEFILE_LIST)) | sed 's/^# \{0,1\}//'

setup:
	@scripts/setup.sh

run:
	@scripts/run.sh

stop:
	@scripts/stop.sh

test:
	@scripts/test.sh

test-fast:
	@SKIP_LINT=1 scripts/test.sh

lint:
	@scripts/lint.sh

bench:
	@scripts/bench.sh

drop-db:
	@scripts/drop_db.sh "$(DB)"

clean: stop
	@source scripts/lib.sh && rm -rf "$$(pg_dir)" "$$(pg_dir)-replica" .odoo .venv && echo "removed .odoo/ and .venv/"
