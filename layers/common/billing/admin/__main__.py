"""Operator CLI: tenants and API keys, against the local stack or a deployed stack.

  python -m billing.admin --local .local tenants create --name "Demo SRL" --cuit 30712345671
  python -m billing.admin --stack billing-dev --region sa-east-1 keys create --tenant ten_... --mode live
  python -m billing.admin --stack billing-dev tenants backfill-usage-keys   # rate-limit keys for older tenants
  python -m billing.admin --stack billing-dev tenants limits --tenant ten_... --rate 50 --burst 100

Prints JSON. A new key's secret is printed once and cannot be recovered: store it right away.
"""

import argparse
import json
import os
import sys
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m billing.admin", description="Manage tenants and API keys.")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--local", metavar="STATE_DIR", type=Path, help="the running `make dev` stack (e.g. .local)")
    target.add_argument("--stack", metavar="NAME", help="a stack deployed with `sam deploy`")
    parser.add_argument("--region", help="AWS region of --stack (default: the AWS configuration's)")
    commands = parser.add_subparsers(dest="command", required=True)

    tenants = commands.add_parser("tenants").add_subparsers(dest="action", required=True)
    create = tenants.add_parser("create", help="a new tenant: one business, one issuer CUIT")
    create.add_argument("--name", required=True)
    create.add_argument("--cuit", required=True)
    tenants.add_parser("list")
    tenants.add_parser(
        "backfill-usage-keys", help="give every tenant its own rate-limit key per mode (idempotent; after a deploy)"
    )
    limits = tenants.add_parser("limits", help="a tenant's rate limits (per mode); with --rate/--burst, its own")
    limits.add_argument("--tenant", required=True, help="ten_...")
    limits.add_argument("--rate", type=float, help="requests per second")
    limits.add_argument("--burst", type=int, help="requests at once")
    limits.add_argument("--default", action="store_true", help="back to the stack's limits")

    keys = commands.add_parser("keys").add_subparsers(dest="action", required=True)
    for action in ("create", "list", "rotate", "revoke"):
        command = keys.add_parser(action)
        command.add_argument("--tenant", required=True, help="ten_...")
        if action == "create":
            command.add_argument("--mode", required=True, choices=["test", "live"])
        if action in ("rotate", "revoke"):
            command.add_argument("--key", required=True, help="key_...")
        if action == "rotate":
            command.add_argument("--grace-hours", type=float, default=24, help="how long the old key keeps working")
        if action == "revoke":
            command.add_argument("--reason", default="revoked by operator")
    return parser


def _point_at_local_stack(state_dir: Path) -> None:
    path = state_dir / "stack.json"
    if not path.exists():
        sys.exit(f"No local stack state at {path}: start it with `make dev`.")
    stack = json.loads(path.read_text())
    os.environ.update(
        AWS_ENDPOINT_URL=stack["endpoint"],
        AWS_DEFAULT_REGION=stack["region"],
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        TABLE_NAME=stack["resources"]["BillingTable"]["name"],
    )
    # Where new tenants' rate-limit keys go: the environment tenants are created with (template.yaml).
    plan = stack.get("functions", {}).get("ApiFunction", {}).get("environment", {}).get("TENANT_USAGE_PLAN")
    if plan:
        os.environ["TENANT_USAGE_PLAN"] = plan


def _point_at_deployed_stack(name: str, region: str | None) -> None:
    import boto3

    if region:
        os.environ["AWS_DEFAULT_REGION"] = region
    [stack] = boto3.client("cloudformation").describe_stacks(StackName=name)["Stacks"]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}
    os.environ["TABLE_NAME"] = outputs["TableName"]
    if "TenantUsagePlanName" in outputs:  # absent from a stack deployed before rate limits
        os.environ["TENANT_USAGE_PLAN"] = outputs["TenantUsagePlanName"]


def _run(args: argparse.Namespace) -> object:
    # Imported only now: PynamoDB binds the table name when the models are imported.
    from billing.services import tenants

    if args.command == "tenants":
        if args.action in ("backfill-usage-keys", "limits"):
            return _rate_limits(args)
        return tenants.create_tenant(args.name, args.cuit) if args.action == "create" else tenants.list_tenants()
    if args.action == "create":
        issued = tenants.create_api_key(args.tenant, args.mode)
        return {"secret": issued.secret, **asdict(issued.info)}
    if args.action == "list":
        return tenants.list_api_keys(args.tenant)
    if args.action == "rotate":
        issued = tenants.rotate_api_key(args.tenant, args.key, grace=timedelta(hours=args.grace_hours))
        return {"secret": issued.secret, **asdict(issued.info)}
    return tenants.revoke_api_key(args.tenant, args.key, reason=args.reason)


def _rate_limits(args: argparse.Namespace) -> object:
    from billing.services import rate_limits

    if args.action == "backfill-usage-keys":
        return rate_limits.backfill_usage_keys()
    if args.default:
        return rate_limits.reset_tenant_limits(args.tenant)
    if args.rate is not None or args.burst is not None:
        if args.rate is None or args.burst is None:
            sys.exit("Give both --rate and --burst (or --default).")
        return rate_limits.set_tenant_limits(args.tenant, args.rate, args.burst)
    return rate_limits.tenant_limits(args.tenant)


def _jsonable(value: object) -> object:
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return asdict(value) if hasattr(value, "__dataclass_fields__") else value


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.local:
        _point_at_local_stack(args.local)
    else:
        _point_at_deployed_stack(args.stack, args.region)
    from billing.domain.errors import BillingError

    try:
        result = _run(args)
    except BillingError as error:
        print(
            json.dumps({"error": {"code": error.code, "message": error.message, "param": error.param}}), file=sys.stderr
        )
        return 1
    if isinstance(result, dict) and "secret" in result:
        print("The secret is shown only this once; store it now.", file=sys.stderr)
    print(json.dumps(_jsonable(result), indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
