# Two commands set everything up on a fresh machine: `make dev` (the local stack) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ENV ?= dev
STATE_DIR ?= .local

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian tools the tests use: pdftotext, pdftoppm, pdfinfo (poppler-utils) read and render PDFs; zbarimg reads the QR;
# chromium runs the web console's browser tests (Playwright drives it: no browser is downloaded).
TEST_TOOLS := pdftotext pdftoppm pdfinfo zbarimg chromium

.PHONY: dev test lint pytest tools invoke schedule admin bench bench-cae bench-monthly bench-pdf bench-receivables bench-console bench-padron bench-webhooks bench-mercadopago build deploy deploy-console backfill-usage-keys clean

$(STAMP): requirements-dev.txt layers/common/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## The local stack on the embedded AWS: API on http://127.0.0.1:3000, demo tenant in .local/demo.json.
dev: $(STAMP)
	$(BIN)/python -m local.devstack --state-dir $(STATE_DIR)

## Lint (ruff, cfn-lint via the tests) and the whole suite: unit, integration (moto) and end-to-end.
test: lint pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

pytest: $(STAMP) tools
	$(BIN)/python -m pytest -n 2 --dist loadfile

tools:
	@missing=; for tool in $(TEST_TOOLS); do command -v $$tool >/dev/null || missing=yes; done; \
	if [ -n "$$missing" ]; then \
		$(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q poppler-utils zbar-tools chromium libatomic1; \
	fi

## Run one function with a sample event: make invoke FN=api EVENT=events/api-health.json
invoke: $(STAMP)
	@test -n "$(FN)" -a -n "$(EVENT)" || (echo "usage: make invoke FN=<function> EVENT=events/<file>.json" && exit 2)
	$(BIN)/python -m local.invoke $(FN) $(EVENT)

## Fire a schedule of the running local stack: make schedule NAME=billing-local-monthly-billing (no NAME: list them).
schedule: $(STAMP)
	$(BIN)/python -m local.fire_schedule $(NAME)

## Tenants and API keys on the running local stack: make admin ARGS="tenants list"
admin: $(STAMP)
	PYTHONPATH=layers/common $(BIN)/python -m billing.admin --local $(STATE_DIR) $(ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench.cold_start

## A 10,000-voucher backlog through the CAE worker at 300 ms simulated ARCA latency, batched and not, PDFs drained.
bench-cae: $(STAMP)
	$(BIN)/python -m bench.cae_throughput

## The monthly run: 100 tenants, 10,000 subscriptions, fired twice, ARCA simulator at 300 ms.
bench-monthly: $(STAMP)
	$(BIN)/python -m bench.monthly_billing

## PDF rendering: ms and bytes of a one-page and a 300-line voucher.
bench-pdf: $(STAMP)
	$(BIN)/python -m bench.pdf_render

## GET /v1/balances and a customer's statement, timed, after 5,000 invoices and 5,000 payments for one tenant.
bench-receivables: $(STAMP)
	$(BIN)/python -m bench.receivables

## The web console on the running `make dev` stack: bytes transferred and time to the billing list, first load and reload.
bench-console: $(STAMP) tools
	$(BIN)/python -m bench.console_load --state-dir $(STATE_DIR)

## Webhooks: events to 10 endpoints (2 failing at first) until all are acknowledged once; lag p50/p99.
bench-webhooks: $(STAMP)
	$(BIN)/python -m bench.webhooks

## Mercado Pago: 500 invoices paid at the simulator, 1,000 notifications (a third duplicates) through the webhook and the
## worker; webhook answer p50/p99, payment to paid p50/p99, every invoice paid exactly once (about 3 minutes).
bench-mercadopago: $(STAMP)
	$(BIN)/python -m bench.mercadopago

## Taxpayer lookups per second through the API, cold (ARCA's registry at 300 ms) and warm (the cache).
bench-padron: $(STAMP)
	$(BIN)/python -m bench.padron_lookups

## Deployment (needs the AWS SAM CLI: pip install aws-sam-cli). ENV=dev or ENV=prod.
## After the stack, console/ goes to its bucket and CloudFront forgets the old copy.
build:
	sam build --config-env $(ENV)

deploy: build
	sam deploy --config-env $(ENV)
	$(MAKE) backfill-usage-keys ENV=$(ENV)
	$(MAKE) deploy-console ENV=$(ENV)

## Every tenant's own rate-limit key per mode in the deployed stack's usage plan (idempotent; docs/rate-limits.md).
backfill-usage-keys: $(STAMP)
	PYTHONPATH=layers/common $(BIN)/python -m billing.admin --stack billing-$(ENV) --region sa-east-1 tenants backfill-usage-keys

deploy-console:
	@stack=$$(sam list stack-outputs --config-env $(ENV) --output json | $(BIN)/python -c 'import json,sys; o={x["OutputKey"]: x["OutputValue"] for x in json.load(sys.stdin)}; print(o["ConsoleBucketName"], o["ConsoleDistributionId"])'); \
	set -- $$stack; \
	aws s3 sync console/ s3://$$1/ --delete --cache-control no-cache && \
	aws cloudfront create-invalidation --distribution-id $$2 --paths '/*' >/dev/null && \
	echo "console deployed to s3://$$1 (distribution $$2)"

clean:
	rm -rf $(VENV) .aws-sam $(STATE_DIR)
