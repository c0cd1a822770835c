"""CloudFormation intrinsics resolved against the local stack's physical names (Ref, Fn::GetAtt, Fn::Sub, Fn::Join,
Fn::Split)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

STACK_NAME = "billing-local"
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
PARTITION = "aws"
REST_API_ID = "local"


@dataclass(frozen=True)
class Deployment:
    """Where the stack lives locally: it fixes physical names, ARNs and queue URLs."""

    endpoint: str = "http://127.0.0.1:4566"
    stack_name: str = STACK_NAME
    region: str = REGION
    account_id: str = ACCOUNT_ID


class Resolver:
    """Resolves Ref / Fn::GetAtt / Fn::Sub / Fn::Join against the local physical names."""

    def __init__(self, template: dict[str, Any], deployment: Deployment, parameters: dict[str, str] | None = None):
        self.resources = template.get("Resources", {})
        self.parameters = {k: v.get("Default") for k, v in template.get("Parameters", {}).items()}
        unknown = set(parameters or {}) - set(self.parameters)
        if unknown:
            raise ValueError(f"template.yaml has no parameters {sorted(unknown)}")
        self.parameters.update(parameters or {})
        self.d = deployment

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                logical_id, attribute = arg.split(".", 1) if isinstance(arg, str) else arg
                return self.get_att(logical_id, attribute)
            if key == "Fn::Sub":
                return self.sub(arg)
            if key == "Fn::Join":
                delimiter, items = arg
                items = self.resolve(items)  # a list, or an intrinsic that makes one (Fn::Split)
                return delimiter.join(str(self.resolve(item)) for item in items)
            if key == "Fn::Split":
                delimiter, text = arg
                return str(self.resolve(text)).split(delimiter)
            if key.startswith("Fn::") or key == "Condition":
                raise ValueError(f"Unsupported intrinsic function locally: {key}")
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def ref(self, name: str) -> Any:
        stack_id = f"arn:{PARTITION}:cloudformation:{self.d.region}:{self.d.account_id}:stack/{self.d.stack_name}/local"
        pseudo = {
            "AWS::StackName": self.d.stack_name,
            "AWS::Region": self.d.region,
            "AWS::AccountId": self.d.account_id,
            "AWS::Partition": PARTITION,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": stack_id,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self.attributes(name)["Ref"]

    def get_att(self, logical_id: str, attribute: str) -> str:
        attributes = self.attributes(logical_id)
        if attribute not in attributes:
            raise ValueError(f"Unsupported attribute locally: {logical_id}.{attribute}")
        return attributes[attribute]

    def sub(self, arg: str | list) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name and not name.startswith("AWS::"):
                return str(self.get_att(*name.split(".", 1)))
            return str(self.ref(name))

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def physical_name(self, logical_id: str) -> str:
        resource = self.resources.get(logical_id)
        if resource is None:
            raise ValueError(f"Unknown resource: {logical_id}")
        props = resource.get("Properties") or {}
        kind = resource["Type"]
        if kind == "AWS::DynamoDB::Table":
            return self.resolve(props.get("TableName") or f"{self.d.stack_name}-{logical_id}")
        if kind == "AWS::SQS::Queue":
            suffix = ".fifo" if props.get("FifoQueue") else ""
            return self.resolve(props.get("QueueName") or f"{self.d.stack_name}-{logical_id}{suffix}")
        if kind == "AWS::S3::Bucket":
            default = re.sub(r"[^a-z0-9-]", "-", f"{self.d.stack_name}-{logical_id}".lower())
            return self.resolve(props.get("BucketName") or default)
        if kind == "AWS::Lambda::Function":
            # Locally a function is known by its logical id (also its AWS_LAMBDA_FUNCTION_NAME).
            return self.resolve(props.get("FunctionName") or logical_id)
        if kind == "AWS::ApiGateway::RestApi":
            return REST_API_ID
        if kind == "AWS::ApiGateway::Stage":
            return self.resolve(props["StageName"])  # a stage is known by its name, as in a usage plan's ApiStages
        return logical_id

    def attributes(self, logical_id: str) -> dict[str, str]:
        """Ref and GetAtt values of a resource, as CloudFormation would report them."""
        kind = self.resources.get(logical_id, {}).get("Type")
        name = self.physical_name(logical_id)
        region, account = self.d.region, self.d.account_id
        if kind == "AWS::DynamoDB::Table":
            arn = f"arn:{PARTITION}:dynamodb:{region}:{account}:table/{name}"
            # The real stream's label is a timestamp set at creation: the stream poller looks it up by table.
            return {"Ref": name, "Arn": arn, "StreamArn": f"{arn}/stream/local"}
        if kind == "AWS::SQS::Queue":
            url = f"{self.d.endpoint}/{account}/{name}"  # moto's queue URL format
            return {
                "Ref": url,
                "QueueUrl": url,
                "QueueName": name,
                "Arn": f"arn:{PARTITION}:sqs:{region}:{account}:{name}",
            }
        if kind == "AWS::S3::Bucket":
            return {"Ref": name, "Arn": f"arn:{PARTITION}:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com"}
        if kind == "AWS::Lambda::Function":
            return {"Ref": name, "Arn": f"arn:{PARTITION}:lambda:{region}:{account}:function:{name}"}
        if kind == "AWS::IAM::Role":
            return {"Ref": name, "Arn": f"arn:{PARTITION}:iam::{account}:role/{name}"}
        if kind == "AWS::ApiGateway::RestApi":
            return {"Ref": name, "RootResourceId": "root"}
        return {"Ref": name}
